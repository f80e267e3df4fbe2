namespace P2Gan.Datasets;

/// <summary>The image files below a folder, recursive, sorted by ordinal relative path so the order
/// (and so every batch) is the same on every machine and file system.</summary>
public static class ImageFileIndex
{
    /// <summary>Extensions read by ImageSharp that we index (compared case-insensitively).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"];

    /// <summary>The full paths of the image files (by <see cref="Extensions"/>) below <paramref name="folder"/>, in ordinal order of their relative paths.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="InvalidDataException">No image file below it.</exception>
    public static string[] List(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"image folder '{folder}' does not exist.");
        }
        string root = Path.GetFullPath(folder);
        string[] files = Directory
            .EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.Hidden })
            .Where(f => Extensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetRelativePath(root, f).Replace('\\', '/'), StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new InvalidDataException(
                $"image folder '{folder}' holds no image files ({string.Join(", ", Extensions)}), searched recursively.");
        }
        return files;
    }
}

using System.Security.Cryptography;

namespace P2Gan;

/// <summary>Content hashes of files (cache keys).</summary>
internal static class FileHash
{
    /// <summary>Lower-case hex SHA-256 of the file at <paramref name="path"/>.</summary>
    public static string Sha256Hex(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}

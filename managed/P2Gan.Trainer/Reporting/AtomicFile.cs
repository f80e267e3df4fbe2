using System.Text;

namespace P2Gan.Trainer.Reporting;

/// <summary>Writes a file beside its target (PATH.tmp) and renames it over the target, so that a
/// reader (a browser refreshing report.html, an image viewer) never sees half a file.</summary>
internal static class AtomicFile
{
    public static void WriteAllBytes(string path, byte[] bytes)
    {
        string tmp = path + ".tmp";
        File.WriteAllBytes(tmp, bytes);
        File.Move(tmp, path, overwrite: true);
    }

    public static void WriteAllText(string path, string text) =>
        WriteAllBytes(path, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text));
}

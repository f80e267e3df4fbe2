using System.Diagnostics;
using P2Gan.Native;

namespace P2Gan.Trainer.Commands;

/// <summary>
/// Runs p2gan-bench-native (native/tools/p2gan_bench_native.cpp), the bench loop with no .NET
/// in it, for 'p2gan bench --native-only'. It is built next to libp2gan (artifacts/native/)
/// and links the library beside it, so it is looked for beside the library this process loaded.
/// </summary>
internal static class NativeBenchDriver
{
    /// <summary>Environment variable naming the driver executable (skips the search).</summary>
    public const string OverrideVariable = "P2GAN_BENCH_NATIVE";

    public static string FileName => OperatingSystem.IsWindows() ? "p2gan-bench-native.exe" : "p2gan-bench-native";

    /// <summary>Candidate paths in search order: the override alone when set; else beside the
    /// loaded libp2gan, then in a native/ folder beside or above it and above this program.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridePath)) return [overridePath];

        var dirs = new List<string>();
        NativeLibraryResolver.EnsureLoaded();
        if (NativeLibraryResolver.LoadedFrom is { } library && Path.IsPathRooted(library) && Path.GetDirectoryName(library) is { } libraryDir)
        {
            // artifacts/native/libp2gan.so, or the copy in artifacts/bin/ beside the trainer.
            dirs.Add(libraryDir);
            dirs.Add(Path.Combine(libraryDir, "..", "native"));
        }
        dirs.Add(Path.Combine(AppContext.BaseDirectory, "..", "native"));
        return dirs.Select(d => Path.GetFullPath(Path.Combine(d, FileName))).Distinct().ToList();
    }

    /// <summary>The driver's path; a clear error naming every place looked in when it is missing.</summary>
    public static string Find()
    {
        IReadOnlyList<string> candidates = Candidates();
        return candidates.FirstOrDefault(File.Exists) ?? throw new FileNotFoundException(
            $"{FileName} not found (looked in: {string.Join(", ", candidates)}). Build the native targets " +
            $"(./build.sh, or cmake --build <build dir> --target p2gan-bench-native), or set {OverrideVariable} to its path.");
    }

    /// <summary>Runs the driver with the settings and returns its JSON line. Its exit code 2
    /// (a value it refuses) becomes a usage error, anything else non-zero a failure.</summary>
    public static async Task<string> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        string path = Find();
        var info = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string arg in settings.ToDriverArguments()) info.ArgumentList.Add(arg);

        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {path}");
        Task<string> output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        Task<string> error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        string stdout = await output, stderr = (await error).Trim();
        if (stderr.Length > 0) Console.Error.WriteLine(stderr);
        return process.ExitCode switch
        {
            0 => stdout.Trim(),
            ExitCodes.Usage => throw new UsageException($"{FileName} refused the settings: {LastLine(stderr)}"),
            int code => throw new InvalidOperationException($"{FileName} failed with exit code {code}: {LastLine(stderr)}"),
        };
    }

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no message)";
}

using System.Diagnostics;
using P2Gan.Tests.Support;
using P2Gan.Trainer;

namespace P2Gan.Tests.Trainer;

/// <summary>Runs the p2gan tool in-process or as a child process (artifacts/bin/p2gan).</summary>
internal static class TrainerCli
{
    /// <summary>Arguments of a tiny, fast run on a synthetic dataset (grey 32x32, c = 4, n = d = 8), without
    /// the preset's evaluation at the end (synthetic data has none; it would only warn).</summary>
    public static string[] TinyTrain(string runDir, params string[] extra) =>
    [
        "train", "--dataset", "synthetic:20", "--channels", "1", "--batch-size", "4", "--base-channels", "4",
        "--noise-dim", "8", "--posterior-dim", "8", "--threads", "1", "--run-dir", runDir, "--seed", "3",
        "--eval-at-end", "false", .. extra,
    ];

    /// <summary>In-process; captures stderr (the error line) and stdout.</summary>
    public static async Task<(int Code, string Error, string Output)> Run(params string[] args)
    {
        TextWriter originalError = Console.Error, originalOut = Console.Out;
        var error = new StringWriter();
        var output = new StringWriter();
        Console.SetError(error);
        Console.SetOut(output);
        try
        {
            int code = await TrainerApp.RunAsync(args);
            return (code, error.ToString(), output.ToString());
        }
        finally
        {
            Console.SetError(originalError);
            Console.SetOut(originalOut);
        }
    }

    /// <summary>The built tool; the tests that need it fail (not skip) when it is missing.</summary>
    public static string ExecutablePath
    {
        get
        {
            string path = Path.Combine(RepoPaths.Root, "artifacts", "bin", OperatingSystem.IsWindows() ? "p2gan.exe" : "p2gan");
            Assert.That(File.Exists(path), Is.True, $"{path} missing: build the solution first.");
            return path;
        }
    }

    /// <summary>Starts artifacts/bin/p2gan with its output redirected (so drained into a buffer).</summary>
    public static ChildProcess Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Start(string[])"/>, with extra environment variables (e.g. a torchrun rank's).</summary>
    public static ChildProcess Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach ((string name, string value) in environment) info.Environment[name] = value;
        return new ChildProcess(Process.Start(info)!);
    }
}

/// <summary>A child p2gan process whose output is collected for failure messages.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly System.Text.StringBuilder _output = new();

    public ChildProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output { get { lock (_output) return _output.ToString(); } }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    /// <summary>Waits for the exit; kills and fails the test after <paramref name="timeout"/>.</summary>
    public int WaitForExit(TimeSpan timeout)
    {
        if (!Process.WaitForExit(timeout))
        {
            Process.Kill(entireProcessTree: true);
            Assert.Fail($"p2gan did not exit within {timeout}. Output:\n{Output}");
        }
        Process.WaitForExit(); // drains the redirected output
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.Dispose();
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace P2Gan.Trainer.Training;

/// <summary>
/// <c>p2gan train --nproc-per-node N</c> for users without torchrun: starts N copies of this command
/// with the variables torchrun would set (RANK, LOCAL_RANK, WORLD_SIZE, LOCAL_WORLD_SIZE, MASTER_ADDR,
/// MASTER_PORT: a free loopback port) and waits for them. When one fails, the others are given
/// <see cref="GracePeriod"/> to fail on their own (they do within the group's timeout) and are then
/// killed; the exit code is the first failure's. A stop request (Ctrl-C, SIGTERM) is passed to the ranks
/// as SIGTERM: rank 0 stops them all at the same step, after its checkpoint.
/// </summary>
internal static partial class LocalLauncher
{
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(int processes, TextWriter log, CancellationToken stop)
    {
        int port = FreeLoopbackPort();
        (string program, string[] prefix) = ThisProgram();
        string[] args = Environment.GetCommandLineArgs().Skip(1).ToArray();
        log.WriteLine($"p2gan: starting {processes} ranks on 127.0.0.1:{port}");
        var ranks = new List<Process>();
        try
        {
            for (int rank = 0; rank < processes; rank++)
            {
                var start = new ProcessStartInfo(program) { UseShellExecute = false };
                foreach (string a in prefix.Concat(args)) start.ArgumentList.Add(a);
                start.Environment["RANK"] = start.Environment["LOCAL_RANK"] = rank.ToString();
                start.Environment["WORLD_SIZE"] = start.Environment["LOCAL_WORLD_SIZE"] = processes.ToString();
                start.Environment["MASTER_ADDR"] = "127.0.0.1";
                start.Environment["MASTER_PORT"] = port.ToString();
                ranks.Add(Process.Start(start) ?? throw new InvalidOperationException($"could not start rank {rank}"));
            }
            // SIGTERM or SIGINT to this process must not end it before its ranks: it passes them on as
            // SIGTERM (a graceful stop there) and keeps waiting. A terminal's Ctrl-C reaches the ranks too.
            void TerminateAll()
            {
                foreach (Process p in ranks) Terminate(p);
            }
            void Forward(PosixSignalContext context)
            {
                context.Cancel = true;
                TerminateAll();
            }
            using PosixSignalRegistration onTerm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Forward);
            using PosixSignalRegistration onInt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Forward);
            using CancellationTokenRegistration forward = stop.Register(TerminateAll);
            var waits = ranks.Select((p, rank) => (Rank: rank, Exit: p.WaitForExitAsync())).ToList();
            int exitCode = 0;
            while (waits.Count > 0)
            {
                Task done = await Task.WhenAny(waits.Select(w => w.Exit));
                var finished = waits.First(w => w.Exit == done);
                waits.Remove(finished);
                int code = ranks[finished.Rank].ExitCode;
                if (code == 0) continue;
                exitCode = code;
                log.WriteLine($"p2gan: rank {finished.Rank} exited with code {code}; the others get {GracePeriod.TotalSeconds:F0} s to finish");
                Task rest = Task.WhenAll(waits.Select(w => w.Exit));
                if (await Task.WhenAny(rest, Task.Delay(GracePeriod)) != rest)
                {
                    foreach (Process p in ranks.Where(p => !p.HasExited)) p.Kill(entireProcessTree: true);
                    log.WriteLine("p2gan: killed the ranks still running");
                }
                await rest;
                break;
            }
            return exitCode;
        }
        finally
        {
            foreach (Process p in ranks)
            {
                if (!p.HasExited) p.Kill(entireProcessTree: true);
                p.Dispose();
            }
        }
    }

    /// <summary>The program and leading arguments that start this command again: the apphost itself, or
    /// <c>dotnet p2gan.dll</c>.</summary>
    private static (string Program, string[] Prefix) ThisProgram()
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("cannot tell this program's path");
        string entry = Environment.GetCommandLineArgs()[0];
        bool viaDotnet = Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase);
        return viaDotnet ? (host, [entry]) : (host, []);
    }

    /// <summary>A loopback port free now (closed again: another program may take it first, rarely).</summary>
    internal static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Terminate(Process p)
    {
        if (p.HasExited) return;
        if (OperatingSystem.IsWindows()) p.Kill(entireProcessTree: true);
        else _ = SendSignal(p.Id, 15);
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int SendSignal(int pid, int signal);
}

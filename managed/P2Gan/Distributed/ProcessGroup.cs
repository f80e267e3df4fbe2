using P2Gan.Native;

namespace P2Gan.Distributed;

/// <summary>
/// A group of processes that train one model data-parallel, on PyTorch's c10d (docs/distributed.md).
/// Every rank creates one with the same init method and world size, then attaches it to its model
/// (<see cref="P2GanModel.Create(ModelOptions, RuntimeOptions?, ProcessGroup?)"/>). Collective calls
/// (<see cref="Barrier"/>, <see cref="Broadcast"/>, a model's train step) must be made by every rank
/// in the same order; when a rank dies or hangs, the others fail with a <see cref="P2GanIOException"/>
/// naming the call within <see cref="ProcessGroupOptions.Timeout"/>.
/// </summary>
public sealed unsafe class ProcessGroup : IDisposable
{
    private ProcessGroup(SafeProcessGroupHandle handle)
    {
        Handle = handle;
        int rank, worldSize;
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_process_group_info(handle, &rank, &worldSize));
        Rank = rank;
        WorldSize = worldSize;
    }

    internal SafeProcessGroupHandle Handle { get; }

    /// <summary>This process's rank, in [0, <see cref="WorldSize"/>).</summary>
    public int Rank { get; }

    /// <summary>The number of processes in the group.</summary>
    public int WorldSize { get; }

    /// <summary>Whether this is rank 0, the rank that writes logs, checkpoints and samples.</summary>
    public bool IsMain => Rank == 0;

    /// <summary>Whether the environment describes a torchrun-style group (WORLD_SIZE is set).</summary>
    public static bool EnvironmentDescribesGroup =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WORLD_SIZE"));

    /// <summary>Joins a group; returns when every rank has joined.</summary>
    /// <exception cref="P2GanInvalidArgumentException">A malformed init method, rank or world size, or a backend this build lacks.</exception>
    /// <exception cref="P2GanIOException">A rank did not arrive within the timeout, or the port is in use.</exception>
    public static ProcessGroup Create(ProcessGroupOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.Backend);
        ArgumentException.ThrowIfNullOrEmpty(options.InitMethod);
        var milliseconds = options.Timeout.TotalMilliseconds;
        if (milliseconds < 1 || milliseconds > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Timeout,
                $"{nameof(ProcessGroupOptions.Timeout)} must be between 1 ms and {TimeSpan.FromMilliseconds(int.MaxValue)}.");
        }
        NativeStatus.ThrowIfFailed(NativeMethods.p2gan_process_group_create(
            options.Backend, options.InitMethod, options.Rank, options.WorldSize, (int)milliseconds, out var handle));
        return new ProcessGroup(handle);
    }

    /// <summary>Joins the group torchrun describes (RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT).</summary>
    public static ProcessGroup FromEnvironment(TimeSpan? timeout = null) =>
        Create(new ProcessGroupOptions { Timeout = timeout ?? new ProcessGroupOptions().Timeout });

    /// <summary>Returns when every rank has called it.</summary>
    public void Barrier() => NativeStatus.ThrowIfFailed(NativeMethods.p2gan_process_group_barrier(Handle));

    /// <summary>Copies <paramref name="root"/>'s bytes into <paramref name="data"/> on every rank;
    /// every rank passes a span of the same length (else every rank throws).</summary>
    public void Broadcast(Span<byte> data, int root = 0)
    {
        if (data.IsEmpty) throw new ArgumentException("Nothing to broadcast: the span is empty.", nameof(data));
        fixed (byte* pointer = data)
        {
            NativeStatus.ThrowIfFailed(NativeMethods.p2gan_process_group_broadcast(Handle, pointer, (nuint)data.Length, root));
        }
    }

    /// <summary>Rank 0's <paramref name="text"/> on every rank (other ranks may pass anything).</summary>
    public string BroadcastString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        Span<byte> length = stackalloc byte[sizeof(int)];
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        BitConverter.TryWriteBytes(length, bytes.Length);
        Broadcast(length);
        var buffer = new byte[Math.Max(BitConverter.ToInt32(length), 1)];
        if (IsMain) bytes.CopyTo(buffer, 0);
        Broadcast(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, BitConverter.ToInt32(length));
    }

    /// <inheritdoc/>
    public void Dispose() => Handle.Dispose();
}

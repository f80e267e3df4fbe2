using System.Net;
using System.Net.Sockets;
using P2Gan.Distributed;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Distributed;

/// <summary>
/// The SDK's data-parallel API as an app uses it (docs/distributed.md): process groups, their
/// errors, and two ranks of a <see cref="TrainingSession"/> on two threads of this process (a file
/// store), which must train what one session with the global batch trains.
/// </summary>
[TestFixture]
[NonParallelizable] // ranks on threads; the machine has two cores
public sealed class ProcessGroupTests : NativeRunTest
{
    private static readonly TimeSpan Short = TimeSpan.FromSeconds(20);

    private string NewStore() => "file://" + Temp.File("store-" + Guid.NewGuid().ToString("N"));

    [Test]
    public void AOneRankGroupReportsItselfAndBroadcastsToItself()
    {
        using ProcessGroup group = ProcessGroup.Create(new ProcessGroupOptions { InitMethod = NewStore(), Rank = 0, WorldSize = 1, Timeout = Short });
        Assert.That((group.Rank, group.WorldSize, group.IsMain), Is.EqualTo((0, 1, true)));
        byte[] data = [1, 2, 3];
        group.Broadcast(data);
        Assert.That(data, Is.EqualTo(new byte[] { 1, 2, 3 }));
        Assert.That(group.BroadcastString("héllo"), Is.EqualTo("héllo"));
        group.Barrier();
        using P2GanModel model = P2GanModel.Create(TinyModel.Options(), new RuntimeOptions { Threads = 1 }, group);
        Assert.That(model.ProcessGroup, Is.SameAs(group));
    }

    [TestCase("tcp://127.0.0.1", "HOST:PORT")]
    [TestCase("tcp://127.0.0.1:70000", "port must be a number")]
    [TestCase("file://relative/path", "absolute path")]
    [TestCase("mpi://x", "is not one of tcp://HOST:PORT")]
    public void AMalformedInitMethodIsRefusedNamingIt(string initMethod, string expected)
    {
        var e = Assert.Throws<P2GanInvalidArgumentException>(() =>
            ProcessGroup.Create(new ProcessGroupOptions { InitMethod = initMethod, Rank = 0, WorldSize = 2, Timeout = Short }));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    [Test]
    public void ABadRankBackendOrTimeoutIsRefused()
    {
        Assert.That(() => ProcessGroup.Create(new ProcessGroupOptions { InitMethod = NewStore(), Rank = 2, WorldSize = 2 }),
            Throws.TypeOf<P2GanInvalidArgumentException>().With.Message.Contain("rank must be in [0, 2)"));
        Assert.That(() => ProcessGroup.Create(new ProcessGroupOptions { Backend = "nccl", InitMethod = NewStore(), Rank = 0, WorldSize = 1 }),
            Throws.TypeOf<P2GanInvalidArgumentException>().With.Message.Contain("\"nccl\" is not available"));
        Assert.That(() => ProcessGroup.Create(new ProcessGroupOptions { InitMethod = NewStore(), Rank = 0, WorldSize = 1, Timeout = TimeSpan.Zero }),
            Throws.TypeOf<ArgumentOutOfRangeException>());
    }

    [Test]
    public void APortInUseIsAnIoErrorNamingTheAddress()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var e = Assert.Throws<P2GanIOException>(() => ProcessGroup.Create(new ProcessGroupOptions
            {
                InitMethod = $"tcp://127.0.0.1:{port}", Rank = 0, WorldSize = 2, Timeout = TimeSpan.FromSeconds(5),
            }));
            TestContext.Out.WriteLine(e!.Message);
            Assert.That(e.Message, Does.Contain("could not join the process group").And.Contain(port.ToString()));
        }
        finally
        {
            listener.Stop();
        }
    }

    [Test]
    public void RanksStartedWithDifferentWorldSizesAreTold()
    {
        string store = NewStore();
        var rank0 = Task.Run(() => ProcessGroup.Create(new ProcessGroupOptions { InitMethod = store, Rank = 0, WorldSize = 2, Timeout = TimeSpan.FromSeconds(4) }));
        var rank1 = Task.Run(() => ProcessGroup.Create(new ProcessGroupOptions { InitMethod = store, Rank = 1, WorldSize = 3, Timeout = TimeSpan.FromSeconds(4) }));
        var e = Assert.ThrowsAsync<P2GanInvalidArgumentException>(async () => (await rank1).Dispose());
        Assert.That(e!.Message, Does.Contain("rank 1 was started with world size 3, rank 0 with 2"));
        Assert.That(async () => (await rank0).Dispose(), Throws.TypeOf<P2GanIOException>());
    }

    [Test]
    public async Task TwoRankSessionsTrainWhatOneSessionWithTheGlobalBatchTrains()
    {
        TrainingConfig Config(string name) =>
            TrainingConfig.FromPreset(TrainPresets.CpuSmallName, "synthetic:24", Temp.File(name)) with
            {
                Steps = 4, BatchSize = 4, LogEvery = 1, SampleEvery = 100, CheckpointEvery = 2, EvalAtEnd = false,
                Model = TinyModel.Options(seed: 5), Runtime = new RuntimeOptions { Threads = 1 },
            };
        using (var alone = TrainingSession.Start(Config("alone"))) await alone.RunAsync();

        string store = NewStore();
        TrainingConfig shared = Config("shared");
        async Task<TrainingResult> Rank(int rank)
        {
            using ProcessGroup group = ProcessGroup.Create(new ProcessGroupOptions { InitMethod = store, Rank = rank, WorldSize = 2, Timeout = Short });
            using var session = TrainingSession.Start(shared, processGroup: group);
            Assert.That(session.IsMain, Is.EqualTo(rank == 0));
            return await session.RunAsync();
        }
        TrainingResult[] results = await Task.WhenAll(Task.Run(() => Rank(0)), Task.Run(() => Rank(1)));

        Assert.That(results.Select(r => r.Outcome), Is.All.EqualTo(TrainingOutcome.Completed));
        Assert.That(results[1].Checkpoint, Is.EqualTo(results[0].Checkpoint));
        double difference = SafetensorsFloats.MaxDifference(Weights(Final(Config("alone").RunDir)), Weights(results[0].Checkpoint));
        TestContext.Out.WriteLine($"max |2 ranks - 1 session| after 4 steps: {difference:G3}");
        Assert.That(difference, Is.LessThanOrEqualTo(1e-5));
    }

    private static string Final(string runDir) => Path.Combine(runDir, "checkpoints", "final.ckpt");

    private Dictionary<string, float[]> Weights(string checkpoint)
    {
        string path = Temp.File(Guid.NewGuid().ToString("N") + ".safetensors");
        using (P2GanModel model = P2GanModel.Load(checkpoint)) model.ExportSafetensors(path);
        return SafetensorsFloats.Read(path);
    }
}

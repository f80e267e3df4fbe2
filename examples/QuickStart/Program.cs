// QuickStart: the P2Gan packages from a NuGet feed, no dataset and no environment variable.
// Trains a tiny model a few steps on random images, samples a PNG grid, encodes images to
// their posteriors, interpolates between two of them and shows the typed exceptions; then
// runs the trainer's loop through the SDK (TrainingSession): a run folder with checkpoints,
// sample grids and metrics, stopped by a CancellationToken and resumed.
//   dotnet run -- [output folder] [steps]
using P2Gan;
using P2Gan.Training;
using P2Gan.Imaging;
using P2Gan.Native;

string outDir = args.Length > 0 ? args[0] : "quickstart-out";
int steps = args.Length > 1 ? int.Parse(args[1]) : 3;
Directory.CreateDirectory(outDir);

Console.WriteLine($"libp2gan {P2GanModel.NativeVersion}");

var options = new ModelOptions { Resolution = 32, Channels = 1, BaseChannels = 4, NoiseDim = 8, PosteriorDim = 8, Seed = 1 };
using var model = P2GanModel.Create(options);   // the CPU; the resolver found libp2gan.so in runtimes/linux-x64/native
Console.WriteLine($"native library: {NativeLibraryResolver.LoadedFrom}");

// Synthetic data: uniform noise in [-1, 1], NCHW.
const int batchSize = 8;
TensorShape shape = TensorShape.Nchw(batchSize, options.Channels, options.Resolution, options.Resolution);
var random = new Random(42);
var batch = new float[shape.ElementCount];
for (int step = 0; step < steps; step++)
{
    for (int i = 0; i < batch.Length; i++) batch[i] = (float)(random.NextDouble() * 2 - 1);
    StepMetrics m = model.TrainStep(batch, shape);
    Console.WriteLine($"step {m.Step}: L_D {m.LossD:F4}  L_G {m.LossG:F4}");
}

// Sample 16 images from the prior and write them as a 4x4 grid.
float[] samples = model.Sample(count: 16, seed: 7);
string grid = Path.Combine(outDir, "samples.png");
ImageGrid.SavePng(grid, samples, TensorShape.Nchw(16, options.Channels, options.Resolution, options.Resolution), columns: 4);
Console.WriteLine($"wrote {grid}");

// Posteriors N(mu, sigma^2) of the last batch, then a walk between the first two codes.
(float[] mu, float[] sigma) = model.Encode(batch, shape);
int d = options.PosteriorDim;
Console.WriteLine($"encoded {batchSize} images: mu[0] {mu[0]:F4}, sigma[0] {sigma[0]:F4}");
var noise = new float[2 * options.NoiseDim];
for (int i = 0; i < noise.Length; i++) noise[i] = (float)(random.NextDouble() * 2 - 1);
float[] row = model.Interpolate(noise.AsSpan(0, options.NoiseDim), noise.AsSpan(options.NoiseDim),
    mu.AsSpan(0, d), mu.AsSpan(d, d), steps: 6);
string rowPath = Path.Combine(outDir, "interpolation.png");
ImageGrid.SavePng(rowPath, row, TensorShape.Nchw(6, options.Channels, options.Resolution, options.Resolution), columns: 6);
Console.WriteLine($"wrote {rowPath}");

// Errors are typed: invalid settings throw ArgumentException before reaching the native core,
// native failures a P2GanException subclass carrying the native message.
try
{
    using var invalid = P2GanModel.Create(new ModelOptions { Resolution = 33 });
    throw new InvalidOperationException("an invalid resolution was accepted");
}
catch (ArgumentException e)
{
    Console.WriteLine($"caught {e.GetType().Name}: {e.Message}");
}
try
{
    using var missing = P2GanModel.Load(Path.Combine(outDir, "no-such.ckpt"));
    throw new InvalidOperationException("a missing checkpoint loaded");
}
catch (P2GanException e)
{
    Console.WriteLine($"caught {e.GetType().Name} ({e.Status}): {e.Message}");
}

// The training loop of 'p2gan train' as an API: schedules, EMA, roll-back on non-finite losses,
// checkpoint rotation, sample grids and metrics.jsonl in a run folder.
string runDir = Path.Combine(outDir, "run");
if (Directory.Exists(runDir)) Directory.Delete(runDir, recursive: true); // a new run each time
TrainingConfig config = TrainingConfig.FromPreset(TrainPresets.CpuSmallName, "synthetic:64", runDir) with
{
    Steps = 2 * steps, BatchSize = 8, LogEvery = 1, SampleEvery = steps, CheckpointEvery = steps, EvalAtEnd = false,
    Model = options,
};
using var stop = new CancellationTokenSource();
using (var session = TrainingSession.Start(config))
{
    // Stop half-way, as Ctrl-C would: the session finishes the step and writes a checkpoint.
    var progress = new Progress<TrainingProgress>(p =>
    {
        Console.WriteLine($"session step {p.Metrics.Step}/{p.TotalSteps}: L_D {p.Metrics.LossD:F4}");
        if (p.Metrics.Step >= steps) stop.Cancel();
    });
    TrainingResult first = await session.RunAsync(progress, stop.Token);
    Console.WriteLine($"{first.Outcome} at step {first.Step}: {first.Checkpoint}");
}
using (var session = TrainingSession.Resume(runDir))
{
    TrainingResult done = await session.RunAsync();
    Console.WriteLine($"{done.Outcome} at step {done.Step}: {done.Checkpoint}");
}

Console.WriteLine("QuickStart finished");

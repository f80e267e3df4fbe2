using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Model;

/// <summary>Native failures arrive as the typed exceptions, carrying the native message.</summary>
[TestFixture]
public sealed class ErrorMappingTests
{
    [Test]
    public void BadResolutionIsRefusedNamingTheProperty()
    {
        ModelOptions options = TinyModel.Options();
        options.Resolution = 33;
        var e = Assert.Throws<ArgumentException>(() => P2GanModel.Create(options).Dispose());
        Assert.That(e!.Message, Does.Contain("Resolution"));
    }

    [Test]
    public void BadRuntimeSettingIsRefusedNamingTheProperty()
    {
        var runtime = new RuntimeOptions { Threads = -1 };
        var e = Assert.Throws<ArgumentException>(() => P2GanModel.Create(TinyModel.Options(), runtime).Dispose());
        Assert.That(e!.Message, Does.Contain("Threads"));
    }

    [Test]
    public void NativeInvalidArgumentIsTyped()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var e = Assert.Throws<P2GanInvalidArgumentException>(() => model.SetLearningRates(-1f, 1e-4f));
        Assert.That(e!.Status, Is.EqualTo(StatusCode.InvalidArgument));
    }

    [Test]
    public void NaNInABatchIsRefused()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        float[] batch = SyntheticImages.Shapes(2, TinyModel.Resolution);
        batch[17] = float.NaN;
        var e = Assert.Throws<P2GanNonFiniteException>(() => model.TrainStep(batch, TinyModel.Batch(2)));
        Assert.That(e!.IsLoss, Is.False);
        Assert.That(model.Step, Is.EqualTo(0));
    }

    [Test]
    public void MissingCheckpointIsAnIOError()
    {
        NativeRequirement.Require();
        string path = Path.Combine(Path.GetTempPath(), $"p2gan-missing-{Guid.NewGuid():N}.ckpt");
        Assert.Throws<P2GanIOException>(() => P2GanModel.Load(path).Dispose());
    }

    [Test]
    public void CheckpointOfAnotherArchitectureIsAMismatch()
    {
        using var temp = new TempDirectory();
        string path = temp.File("small.ckpt");
        using (var small = P2GanModel.Create(TinyModel.Options()))
        {
            small.Save(path);
        }
        ModelOptions wider = TinyModel.Options();
        wider.BaseChannels = 8;
        using var model = P2GanModel.Create(wider);
        Assert.Throws<P2GanCheckpointMismatchException>(() => model.Restore(path));
    }

    [Test]
    public void WrongBufferLengthIsCaughtInManagedCode()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var e = Assert.Throws<ArgumentException>(() => model.TrainStep(new float[10], TinyModel.Batch(2)));
        Assert.That(e!.ParamName, Is.EqualTo("batch"));
        Assert.Throws<ArgumentException>(() => model.Generate(new float[3], new float[TinyModel.Dim], 1));
    }

    [Test]
    public void WrongImageShapeIsRefusedByTheNativeCore()
    {
        using var model = P2GanModel.Create(TinyModel.Options());
        var shape = TensorShape.Nchw(2, 3, 32, 32); // the model has 1 channel
        Assert.Throws<P2GanInvalidArgumentException>(() => model.TrainStep(new float[shape.ElementCount], shape));
    }

    [Test]
    public void UnknownDeviceIsRefused()
    {
        var runtime = new RuntimeOptions { Device = "tpu:7" };
        var e = Assert.Catch<P2GanException>(() => P2GanModel.Create(TinyModel.Options(), runtime).Dispose());
        Assert.That(e, Is.TypeOf<P2GanDeviceException>().Or.TypeOf<P2GanInvalidArgumentException>());
    }
}

using P2Gan.Datasets;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Docs;

/// <summary>The SDK example of README.md, verbatim apart from the paths, so it stays true.</summary>
public class ReadmeExampleTests
{
    private const string FashionMnistDir = "/usr/share/datasets/fashion-mnist";

    [Test]
    public void SdkExampleRuns()
    {
        NativeRequirement.Require();
        if (!Directory.Exists(FashionMnistDir))
            Assert.Ignore($"{FashionMnistDir} is missing (./build.sh deps installs dataset-fashion-mnist)");
        string checkpoint = Path.Combine(Path.GetTempPath(), $"p2gan-readme-{Guid.NewGuid():N}.ckpt");
        try
        {
            var data = FashionMnistDataset.Load(FashionMnistDir, resolution: 32);
            var options = new ModelOptions { Channels = 1, BaseChannels = 16, NoiseDim = 64, PosteriorDim = 64, Seed = 1 };
            using var model = P2GanModel.Create(options);

            const int batchSize = 64;
            var batch = new float[batchSize * data.ImageElementCount];
            data.CopyBatch(Enumerable.Range(0, batchSize).ToArray(), batch);
            StepMetrics m = model.TrainStep(batch, TensorShape.Nchw(batchSize, 1, 32, 32));

            float[] images = model.Sample(count: 16, seed: 7);
            model.Save(checkpoint);

            Assert.That(float.IsFinite(m.LossD) && float.IsFinite(m.LossG), Is.True);
            Assert.That(images, Has.Length.EqualTo(16 * 32 * 32));
            Assert.That(File.Exists(checkpoint), Is.True);
        }
        finally
        {
            File.Delete(checkpoint);
        }
    }
}

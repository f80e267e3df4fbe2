using P2Gan.Datasets;
using P2Gan.Imaging;

namespace P2Gan.Training;

/// <summary>
/// The samples/step_NNNNNN.png grids of a run, comparable over time: 8 x 8 images whose top four
/// rows come from codes of the prior P_c and whose bottom four rows come from the posteriors of
/// 32 real images; both halves use noise from fixed seeds and the real images are chosen once
/// from the dataset with the run seed. Only the model changes from grid to grid.
/// </summary>
internal sealed class FixedSampleGrid
{
    public const int Side = 8;
    public const int Half = Side * Side / 2;

    private readonly float[] _realImages;
    private readonly TensorShape _realShape;
    private readonly ulong _priorSeed, _posteriorSeed;

    public FixedSampleGrid(IImageDataset dataset, ulong runSeed)
    {
        // Derived seeds, distinct from the model's so grids never alias its training noise.
        _priorSeed = unchecked(runSeed * 0x9E3779B97F4A7C15UL + 0x5A3E);
        _posteriorSeed = unchecked(_priorSeed + 1);
        int size = dataset.Channels * dataset.Resolution * dataset.Resolution;
        _realShape = TensorShape.Nchw(Half, dataset.Channels, dataset.Resolution, dataset.Resolution);
        _realImages = new float[Half * size];
        foreach ((int slot, int index) in ChooseIndices(dataset.Count, runSeed).Select((index, slot) => (slot, index)))
        {
            dataset.CopyImage(index, _realImages.AsSpan(slot * size, size));
        }
    }

    private const ulong GridSalt = 0x61C88647UL; // the grid's images must not follow the noise of the same seed

    /// <summary>The dataset indices of the bottom half: distinct when the dataset is large enough,
    /// drawn from a generator seeded with the run seed (System.Random's seeded sequence is stable).</summary>
    public static int[] ChooseIndices(int count, ulong runSeed)
    {
        Random random = GaussianNoise.SeededRandom(runSeed ^ GridSalt);
        if (count >= Half)
        {
            int[] order = Enumerable.Range(0, count).ToArray();
            random.Shuffle(order);
            return order[..Half];
        }
        return Enumerable.Range(0, Half).Select(i => i % count).ToArray();
    }

    /// <summary>Writes the grid of <paramref name="model"/>'s current generator (the EMA one when
    /// <paramref name="useEma"/>).</summary>
    public void Write(P2GanModel model, string path, bool useEma)
    {
        long size = model.ImageElementCount;
        var images = new float[2 * Half * size];
        model.Sample(Half, _priorSeed, useEma: useEma).CopyTo(images, 0);
        // The second half from the posteriors of real images; a baseline has none: more prior codes.
        float[] second = model.Options.HasPosterior
            ? model.Sample(Half, _posteriorSeed, _realImages, _realShape, useEma)
            : model.Sample(Half, _posteriorSeed, useEma: useEma);
        second.CopyTo(images, Half * size);
        string tmp = path + ".tmp.png";
        ImageGrid.SavePng(tmp, images,
            TensorShape.Nchw(2 * Half, model.Options.Channels, model.Options.Resolution, model.Options.Resolution), Side);
        File.Move(tmp, path, overwrite: true);
    }
}

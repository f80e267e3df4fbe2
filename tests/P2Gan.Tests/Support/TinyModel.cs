namespace P2Gan.Tests.Support;

/// <summary>The smallest useful model: 32x32x1, c = 4, n = d = 8.</summary>
internal static class TinyModel
{
    public const int Resolution = 32;
    public const int Dim = 8;

    public static ModelOptions Options(ulong seed = 1)
    {
        NativeRequirement.Require();
        return new ModelOptions
        {
            Resolution = Resolution,
            Channels = 1,
            BaseChannels = 4,
            NoiseDim = Dim,
            PosteriorDim = Dim,
            Seed = seed,
        };
    }

    public static TensorShape Batch(int b) => TensorShape.Nchw(b, 1, Resolution, Resolution);
}

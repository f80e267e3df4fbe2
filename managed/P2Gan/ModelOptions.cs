namespace P2Gan;

// The hand-written part of ModelOptions: the settings, their defaults, Validate, Clone and
// the native conversions are generated from p2gan.h into Generated/ModelOptions.g.cs.
public sealed partial class ModelOptions
{
    /// <summary>C * H * W of one image (<see cref="Channels"/> * <see cref="Resolution"/>^2).</summary>
    public long ImageElementCount => (long)Channels * Resolution * Resolution;

    /// <summary>Whether the discriminator gives posteriors (<see cref="Method.P2gan"/>): a baseline's
    /// gives one score per image, so it cannot encode images nor sample from their codes.</summary>
    public bool HasPosterior => Method == Method.P2gan;
}

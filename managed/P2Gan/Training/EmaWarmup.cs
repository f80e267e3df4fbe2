namespace P2Gan.Training;

/// <summary>
/// EMA decay ramp: min(decay, (1 + step) / (10 + step)), the StyleGAN-style warm-up. Early in
/// training G changes fast and an EMA with decay 0.999 would average in thousands of steps of
/// noise from the random initialisation; the ramp lets the average follow G closely at first
/// (0.1 at step 0, 0.5 at step 8, 0.9 at step 80) and reach the configured decay later.
/// </summary>
public static class EmaWarmup
{
    /// <summary>The decay the G update after <paramref name="step"/> completed steps uses.</summary>
    /// <param name="decay">The configured EMA decay.</param>
    /// <param name="step">Steps completed before the step whose G update uses the decay.</param>
    public static float EffectiveDecay(float decay, long step) =>
        (float)Math.Min(decay, (1.0 + step) / (10.0 + step));
}

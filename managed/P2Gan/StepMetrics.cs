namespace P2Gan;

/// <summary>What one training step did (p2gan_step_metrics).</summary>
/// <param name="Step">Steps completed after this one.</param>
/// <param name="GUpdated">True when this step also updated G.</param>
/// <param name="LossD">L_D.</param>
/// <param name="LossAdv">L_adv (on the D-step fakes when G was not updated).</param>
/// <param name="LossZ">L_z (idem).</param>
/// <param name="LossG">L_G = L_adv + lambda_z L_z.</param>
/// <param name="RealMuMean">Mean of D's posterior means mu over the real batch.</param>
/// <param name="RealSigmaMean">Mean of D's posterior standard deviations sigma over the real batch.</param>
/// <param name="FakeMuMean">Mean of mu over the generated batch.</param>
/// <param name="FakeSigmaMean">Mean of sigma over the generated batch.</param>
public sealed record StepMetrics(
    long Step,
    bool GUpdated,
    float LossD,
    float LossAdv,
    float LossZ,
    float LossG,
    float RealMuMean,
    float RealSigmaMean,
    float FakeMuMean,
    float FakeSigmaMean);

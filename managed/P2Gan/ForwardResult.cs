namespace P2Gan;

/// <summary>Closed-form losses of one evaluation-mode pass.</summary>
public sealed record ForwardLosses(float LossD, float LossAdv, float LossZ, float LossG);

/// <summary>Everything p2gan_model_forward writes: posteriors [B, d], fakes [B, C, H, W].</summary>
public sealed record ForwardResult(
    float[] MuReal,
    float[] SigmaReal,
    float[] Codes,
    float[] Fake,
    float[] MuFake,
    float[] SigmaFake,
    ForwardLosses Losses);

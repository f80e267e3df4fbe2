using P2Gan.Trainer.Cli;
using System.Text.Json;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan forward': one evaluation-mode pass on given inputs, for cross-checking
/// an independent implementation against exported weights.</summary>
internal sealed class ForwardCommand : ICommand
{
    public string Name => "forward";
    public string Summary => "run the evaluation-mode forward pass on .npy inputs; writes .npy outputs and losses.json";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Checkpoint", "FILE", "Model checkpoint (required)."),
        CliOption.Value("Real", "FILE.npy", "Real images, float32 [B, C, H, W] in [-1, 1] (required)."),
        CliOption.Value("Noise", "FILE.npy", "Noise eps, float32 [B, n] (required)."),
        CliOption.Value("PosteriorNoise", "FILE.npy", "Posterior noise e', float32 [B, d] (required)."),
        CliOption.Value("Out", "DIR", "Output folder (required)."),
        CliOption.Value("Device", "NAME", "Device override.", "the checkpoint's"),
    ];

    public string? Details => "Writes mu_real, sigma_real, codes, mu_fake, sigma_fake ([B, d]) and fake ([B, C, H, W]) as .npy, " +
        "and losses.json with keys L_D, L_adv, L_z, L_G.";

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        string outDir = a.Required("out");
        NpyArray real = NpyFile.Read(a.Required("real"));
        NpyArray noise = NpyFile.Read(a.Required("noise"));
        NpyArray posteriorNoise = NpyFile.Read(a.Required("posterior-noise"));

        using P2GanModel model = P2GanModel.Load(a.Required("checkpoint"), a.Optional("device"));
        ForwardResult r = model.Forward(real.Data, real.Shape, noise.Data, posteriorNoise.Data);

        Directory.CreateDirectory(outDir);
        long b = real.Shape[0];
        var posterior = new TensorShape(b, model.Options.PosteriorDim);
        NpyFile.Write(Path.Combine(outDir, "mu_real.npy"), r.MuReal, posterior);
        NpyFile.Write(Path.Combine(outDir, "sigma_real.npy"), r.SigmaReal, posterior);
        NpyFile.Write(Path.Combine(outDir, "codes.npy"), r.Codes, posterior);
        NpyFile.Write(Path.Combine(outDir, "fake.npy"), r.Fake,
            TensorShape.Nchw(b, model.Options.Channels, model.Options.Resolution, model.Options.Resolution));
        NpyFile.Write(Path.Combine(outDir, "mu_fake.npy"), r.MuFake, posterior);
        NpyFile.Write(Path.Combine(outDir, "sigma_fake.npy"), r.SigmaFake, posterior);
        var losses = new Dictionary<string, float>
        {
            ["L_D"] = r.Losses.LossD,
            ["L_adv"] = r.Losses.LossAdv,
            ["L_z"] = r.Losses.LossZ,
            ["L_G"] = r.Losses.LossG,
        };
        File.WriteAllText(Path.Combine(outDir, "losses.json"), JsonSerializer.Serialize(losses, TrainingJson.Indented));
        Console.WriteLine($"Wrote forward outputs for {b} images to {Path.GetFullPath(outDir)}");
        return Task.FromResult(ExitCodes.Success);
    }
}

using System.Text.Json;

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan forward': one evaluation-mode pass on given inputs, for cross-checking
/// an independent implementation against exported weights.</summary>
internal sealed class ForwardCommand : ICommand
{
    private static readonly string[] Valued = ["checkpoint", "real", "noise", "posterior-noise", "out", "device"];

    public string Name => "forward";
    public string Summary => "run the evaluation-mode forward pass on .npy inputs; writes .npy outputs and losses.json";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan forward --checkpoint FILE --real real.npy --noise noise.npy --posterior-noise e.npy --out DIR");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine("  --checkpoint FILE        (required) model checkpoint");
        output.WriteLine("  --real FILE.npy          (required) real images, float32 [B, C, H, W] in [-1, 1]");
        output.WriteLine("  --noise FILE.npy         (required) noise eps, float32 [B, n]");
        output.WriteLine("  --posterior-noise FILE   (required) posterior noise e', float32 [B, d]");
        output.WriteLine("  --out DIR                (required) output folder");
        output.WriteLine("  --device NAME            (the checkpoint's) device override");
        output.WriteLine();
        output.WriteLine("Writes mu_real, sigma_real, codes, mu_fake, sigma_fake ([B, d]) and fake ([B, C, H, W]) as");
        output.WriteLine(".npy, and losses.json with keys L_D, L_adv, L_z, L_G.");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args, Valued, []);
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
        File.WriteAllText(Path.Combine(outDir, "losses.json"), JsonSerializer.Serialize(losses, JsonDefaults.Indented));
        Console.WriteLine($"Wrote forward outputs for {b} images to {Path.GetFullPath(outDir)}");
        return Task.FromResult(ExitCodes.Success);
    }
}

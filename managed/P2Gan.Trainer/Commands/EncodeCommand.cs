using P2Gan.Trainer.Cli;
namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan encode': the discriminator's posterior N(mu, sigma^2) of images, as .npy.</summary>
internal sealed class EncodeCommand : ICommand
{
    /// <summary>Images per native call: bounds memory for large folders.</summary>
    private const int Chunk = 64;

    public string Name => "encode";
    public string Summary => "posteriors of images (mu and sigma, [N, d]) as .npy files";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Checkpoint", "FILE", "Model checkpoint (required)."),
        CliOption.Value("Images", "PATH", ".npy float32 [N, C, R, R] in [-1, 1], an image file, or a folder of images " +
            "(searched recursively, sorted; resized and converted to the model) (required)."),
        CliOption.Value("Out", "DIR", "Writes mu.npy and sigma.npy [N, d] and names.txt (row order) (required)."),
        CliOption.Value("Device", "NAME", "Device override.", "the checkpoint's"),
    ];

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        string outDir = a.Required("out"), imagesPath = a.Required("images");
        using P2GanModel model = P2GanModel.Load(a.Required("checkpoint"), a.Optional("device"));
        var inputs = ImageInputs.Load(imagesPath, model.Options, "images");

        int d = model.Options.PosteriorDim, size = (int)model.ImageElementCount;
        var mu = new float[inputs.Count * d];
        var sigma = new float[inputs.Count * d];
        for (int start = 0; start < inputs.Count; start += Chunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int n = Math.Min(Chunk, inputs.Count - start);
            var shape = TensorShape.Nchw(n, inputs.Shape[1], inputs.Shape[2], inputs.Shape[3]);
            (float[] m, float[] s) = model.Encode(inputs.Data.AsSpan(start * size, n * size), shape);
            m.CopyTo(mu, start * d);
            s.CopyTo(sigma, start * d);
        }
        Directory.CreateDirectory(outDir);
        var posterior = new TensorShape(inputs.Count, d);
        NpyFile.Write(Path.Combine(outDir, "mu.npy"), mu, posterior);
        NpyFile.Write(Path.Combine(outDir, "sigma.npy"), sigma, posterior);
        File.WriteAllLines(Path.Combine(outDir, "names.txt"), inputs.Names);
        Console.WriteLine($"Wrote the posteriors of {inputs.Count} images to {Path.GetFullPath(outDir)}");
        return Task.FromResult(ExitCodes.Success);
    }
}

namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan export': a checkpoint's weights as safetensors with PyTorch-style names.</summary>
internal sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Summary => "export a checkpoint's weights to a .safetensors file";

    public void PrintHelp(TextWriter output)
    {
        output.WriteLine("Usage: p2gan export --checkpoint FILE --out FILE.safetensors");
        output.WriteLine();
        output.WriteLine("Options (default):");
        output.WriteLine("  --checkpoint FILE   (required) model checkpoint");
        output.WriteLine("  --out FILE          (required) safetensors file to write");
    }

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var a = CommandArguments.Parse(Name, args, ["checkpoint", "out"], []);
        string outPath = a.Required("out");
        using P2GanModel model = P2GanModel.Load(a.Required("checkpoint"));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        model.ExportSafetensors(outPath);
        Console.WriteLine($"Wrote {Path.GetFullPath(outPath)}");
        return Task.FromResult(ExitCodes.Success);
    }
}

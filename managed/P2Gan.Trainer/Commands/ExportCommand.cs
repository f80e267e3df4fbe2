using P2Gan.Trainer.Cli;
namespace P2Gan.Trainer.Commands;

/// <summary>'p2gan export': a checkpoint's weights as safetensors with PyTorch-style names.</summary>
internal sealed class ExportCommand : ICommand
{
    public string Name => "export";
    public string Summary => "export a checkpoint's weights to a .safetensors file";

    public IReadOnlyList<CliOption> Options { get; } =
    [
        CliOption.Value("Checkpoint", "FILE", "Model checkpoint (required)."),
        CliOption.Value("Out", "FILE.safetensors", "Safetensors file to write (required)."),
    ];

    public Task<int> RunAsync(CommandArguments a, CancellationToken cancellationToken)
    {
        string outPath = a.Required("out");
        using P2GanModel model = P2GanModel.Load(a.Required("checkpoint"));
        string? dir = Path.GetDirectoryName(Path.GetFullPath(outPath));
        if (dir is not null) Directory.CreateDirectory(dir);
        model.ExportSafetensors(outPath);
        Console.WriteLine($"Wrote {Path.GetFullPath(outPath)}");
        return Task.FromResult(ExitCodes.Success);
    }
}

namespace P2Gan.Trainer.Training;

/// <summary>The files of one training run below its RunDir.</summary>
internal sealed class RunFolder
{
    public RunFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(SamplesDir);
        Directory.CreateDirectory(CheckpointsDir);
    }

    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");
    public string SamplesDir => Path.Combine(Root, "samples");
    public string CheckpointsDir => Path.Combine(Root, "checkpoints");
    public string FinalCheckpointPath => Path.Combine(CheckpointsDir, "final.ckpt");

    public string SamplePath(long step) => Path.Combine(SamplesDir, $"step_{step:D6}.png");
}

namespace P2Gan.Trainer.Training;

/// <summary>The files of one training run below its RunDir (docs/training.md, "The run folder").</summary>
internal sealed class RunFolder
{
    public const string CheckpointsName = "checkpoints";

    public RunFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(SamplesDir);
        Directory.CreateDirectory(CheckpointsDir);
        Checkpoints = new CheckpointStore(CheckpointsDir);
    }

    public string Root { get; }
    public string ConfigPath => Path.Combine(Root, "config.json");
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");
    public string SamplesDir => Path.Combine(Root, "samples");
    public string CheckpointsDir => Path.Combine(Root, CheckpointsName);
    public CheckpointStore Checkpoints { get; }

    public string SamplePath(long step) => Path.Combine(SamplesDir, $"step_{step:D6}.png");
}

namespace P2Gan.Training;

/// <summary>The files of one training run below its RunDir (docs/training.md, "The run folder").</summary>
public sealed class RunFolder
{
    /// <summary>The checkpoints' subfolder name.</summary>
    public const string CheckpointsName = "checkpoints";

    /// <summary>Opens (and creates) the folder <paramref name="root"/> with its samples/ and checkpoints/.</summary>
    /// <param name="root">The run folder.</param>

    public RunFolder(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
        Directory.CreateDirectory(SamplesDir);
        Directory.CreateDirectory(CheckpointsDir);
        Checkpoints = new CheckpointStore(CheckpointsDir);
    }

    /// <summary>The folder, full path.</summary>
    public string Root { get; }
    /// <summary>config.json: the run's settings (<see cref="TrainingConfig"/>).</summary>
    public string ConfigPath => Path.Combine(Root, "config.json");
    /// <summary>metrics.jsonl: one line per logged step and per evaluation.</summary>
    public string MetricsPath => Path.Combine(Root, "metrics.jsonl");
    /// <summary>samples/: the sample grids.</summary>
    public string SamplesDir => Path.Combine(Root, "samples");
    /// <summary>checkpoints/.</summary>
    public string CheckpointsDir => Path.Combine(Root, CheckpointsName);
    /// <summary>The checkpoints of checkpoints/.</summary>
    public CheckpointStore Checkpoints { get; }

    /// <summary>The grid of step <paramref name="step"/>: samples/step_NNNNNN.png.</summary>
    /// <param name="step">A step.</param>
    public string SamplePath(long step) => Path.Combine(SamplesDir, $"step_{step:D6}.png");
}

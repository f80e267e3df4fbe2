using System.Text.Json;
using System.Text.Json.Serialization;

namespace P2Gan.Trainer.Training;

/// <summary>
/// Every training setting after presets and defaults were applied; written to config.json and
/// into each checkpoint's host state. The trainer's own settings are properties here; the
/// model and runtime settings are the <see cref="Model"/> and <see cref="Runtime"/> sections,
/// written flat beside them under their option names (LambdaZ, Device, ...), so that the file
/// can be fed back with --config and host states of earlier versions (which stored the same
/// names flat) still read.
/// </summary>
public sealed record ResolvedTrainConfig
{
    public required string Dataset { get; init; }
    public required string Preset { get; init; }
    public required int Steps { get; init; }
    public required int BatchSize { get; init; }
    public required LearningRateSchedule LearningRateSchedule { get; init; }
    public required bool EmaWarmup { get; init; }
    public required bool HorizontalFlip { get; init; }
    public required int PrefetchBatches { get; init; }
    public required int DecodeThreads { get; init; }
    public required bool StrictDataset { get; init; }
    public required string RunDir { get; init; }
    public required int LogEvery { get; init; }
    public required int SampleEvery { get; init; }
    public required int CheckpointEvery { get; init; }
    public required int KeepCheckpoints { get; init; }
    public required int EvalEvery { get; init; }
    // The evaluation settings are not 'required': checkpoints written before they existed still resume.
    public bool EvalAtEnd { get; init; }
    public int EvalSamples { get; init; } = TrainEvaluation.DefaultSamples;
    public string BestMetric { get; init; } = TrainEvaluation.DefaultBestMetric;
    public string? InceptionWeights { get; init; }
    public string? EvalCacheDir { get; init; }
    public required float NonFiniteLearningRateFactor { get; init; }
    public required int MaxNonFiniteRetries { get; init; }

    /// <summary>The model settings (what the model is).</summary>
    [JsonIgnore]
    public ModelOptions Model { get; init; } = new();

    /// <summary>The runtime settings (where and how it runs).</summary>
    [JsonIgnore]
    public RuntimeOptions Runtime { get; init; } = new();

    /// <summary>The sections as flat JSON values; filled on write, read back into the sections.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Settings { get; set; }

    /// <summary>Copies the sections into <see cref="Settings"/> (before serializing).</summary>
    internal ResolvedTrainConfig WithFlatSettings()
    {
        var flat = new Dictionary<string, JsonElement>();
        foreach (var (name, value) in SettingsBinding.Values(Model, ModelOptions.Settings)
                     .Concat(SettingsBinding.Values(Runtime, RuntimeOptions.Settings)))
        {
            flat[name] = JsonSerializer.SerializeToElement(value, JsonDefaults.Options);
        }
        return this with { Settings = flat };
    }

    /// <summary>The sections read from <see cref="Settings"/> (after deserializing); names no
    /// section knows are an error.</summary>
    internal ResolvedTrainConfig WithSectionsFromSettings()
    {
        var values = (Settings ?? []).ToDictionary(kv => kv.Key,
            kv => kv.Value.ValueKind == JsonValueKind.String ? kv.Value.GetString() : kv.Value.GetRawText(),
            StringComparer.OrdinalIgnoreCase);
        var model = new ModelOptions();
        var runtime = new RuntimeOptions();
        var used = SettingsBinding.Apply(model, ModelOptions.Settings, n => values.GetValueOrDefault(n))
            .Concat(SettingsBinding.Apply(runtime, RuntimeOptions.Settings, n => values.GetValueOrDefault(n)))
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        string[] unknown = values.Keys.Where(k => !used.Contains(k)).ToArray();
        if (unknown.Length > 0) throw new JsonException($"unknown settings: {string.Join(", ", unknown)}");
        return this with { Model = model, Runtime = runtime, Settings = null };
    }
}

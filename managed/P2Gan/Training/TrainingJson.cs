using System.Text.Json;
using System.Text.Json.Serialization;

namespace P2Gan.Training;

/// <summary>The JSON conventions of a run folder's files (config.json, metrics.jsonl, the training state
/// in checkpoints): enums as names, NaN and infinities as strings. Use them to read those files.</summary>
public static class TrainingJson
{
    /// <summary>Compact; enums as names; NaN/infinity written as strings rather than failing.</summary>
    public static JsonSerializerOptions Options { get; } = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary><see cref="Options"/>, indented (config.json).</summary>
    public static JsonSerializerOptions Indented { get; } = new(Options) { WriteIndented = true };
}

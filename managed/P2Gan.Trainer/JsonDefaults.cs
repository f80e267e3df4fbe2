using System.Text.Json;

namespace P2Gan.Trainer;

/// <summary>JSON settings of every file the trainer writes: those of the run folder (<see cref="TrainingJson"/>).</summary>
internal static class JsonDefaults
{
    public static JsonSerializerOptions Options => TrainingJson.Options;

    public static JsonSerializerOptions Indented => TrainingJson.Indented;
}

using System.Text.Json;
using System.Text.Json.Serialization;

namespace P2Gan.Trainer;

/// <summary>JSON settings shared by every file the trainer writes.</summary>
internal static class JsonDefaults
{
    /// <summary>Compact; enums as names; NaN/infinity written as strings rather than failing.</summary>
    public static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };
}

namespace P2Gan;

/// <summary>
/// One setting of <see cref="ModelOptions"/> or <see cref="RuntimeOptions"/> as p2gan.h declares it
/// (see <see cref="ModelOptions.Settings"/> and <see cref="RuntimeOptions.Settings"/>).
/// </summary>
/// <param name="Name">The .NET property name, which is also the command-line and configuration name
/// (e.g. "LearningRateD").</param>
/// <param name="Key">The C field name, which is also the key of the setting in a checkpoint's text
/// (e.g. "lr_d").</param>
/// <param name="Description">What the setting does, from the header's field comment.</param>
/// <param name="DefaultValue">The default as text, in invariant culture (an enum setting: the .NET member name).</param>
/// <param name="Constraint">The allowed values, e.g. "range [1, 1024]" or "one of 32, 64, 128"; empty when any value is allowed.</param>
/// <param name="IsArchitecture">True when a checkpoint restores only into a model with the same value
/// (for EmaDecay: the same zero/non-zero state).</param>
public sealed record SettingInfo(
    string Name, string Key, string Description, string DefaultValue, string Constraint, bool IsArchitecture);

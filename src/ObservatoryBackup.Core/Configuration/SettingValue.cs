using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>A raw setting as given: its text (null when unset) and the environment variable it came from (null when given explicitly).</summary>
public sealed record SettingValue(Setting Setting, string? Text, string? Variable);

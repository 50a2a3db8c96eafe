namespace ObservatoryBackup.Configuration;

/// <summary>An explicitly configured pg_dump or psql (file or directory), and the environment variable it came from (null when given explicitly).</summary>
public sealed record ToolPath(string Path, string? Variable = null);

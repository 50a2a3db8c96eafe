namespace ObservatoryBackup.Configuration;

/// <summary>A run over a server: the databases it backs up, how many at once, and whether its globals come first.</summary>
public sealed record ServerBackupOptions(DatabaseSelection Databases, int Parallel = 1, bool IncludeGlobals = false);

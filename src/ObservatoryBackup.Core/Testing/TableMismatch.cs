namespace ObservatoryBackup.Testing;

/// <summary>A table that did not restore with the rows its COPY block carried.</summary>
public sealed record TableMismatch(string Table, long InBackup, long Restored);

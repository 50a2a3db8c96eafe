namespace ObservatoryBackup.Configuration;

/// <summary>A restore test's options, as <see cref="SettingsResolver.ResolveTest"/> builds them.</summary>
public sealed record TestOptions(ObsSettings Settings)
{
    /// <summary>Restore with ownership left out (a test server that lacks the backup's roles).</summary>
    public bool NoOwner { get; init; }

    /// <summary>Restore every object into the database's default tablespace: for a server that lacks the backup's tablespaces.</summary>
    public bool NoTablespaces { get; init; }
}

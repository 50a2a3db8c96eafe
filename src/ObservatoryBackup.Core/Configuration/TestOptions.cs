using ObservatoryBackup.Signing;

namespace ObservatoryBackup.Configuration;

/// <summary>A restore test's options, as <see cref="SettingsResolver.ResolveTest"/> builds them.</summary>
public sealed record TestOptions(ObsSettings Settings)
{
    /// <summary>Restore with ownership left out (a test server that lacks the backup's roles).</summary>
    public bool NoOwner { get; init; }

    /// <summary>Restore every object into the database's default tablespace: for a server that lacks the backup's tablespaces.</summary>
    public bool NoTablespaces { get; init; }

    /// <summary>
    /// The minisign public keys a backup must be signed by; empty: signatures are not checked (and the
    /// log says so). With keys, an unsigned, otherwise signed or altered backup is refused before any of it is loaded.
    /// </summary>
    public IReadOnlyList<MinisignPublicKey> TrustedKeys { get; init; } = [];

    /// <summary>The database whose newest backup --latest takes: the one named, else the URL's; null (the bucket's newest) only without a database URL.</summary>
    public string? LatestOf { get; init; }
}

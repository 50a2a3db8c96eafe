using ObservatoryBackup.Configuration;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Integration;

/// <summary>Shared helpers: settings for a fresh bucket, and running the engines.</summary>
[Collection(IntegrationCollection.Name)]
public abstract class IntegrationTest(Servers servers)
{
    protected Servers Servers { get; } = servers;
    protected PostgresServer Pg => Servers.Postgres;
    protected S3Server S3 => Servers.S3;

    protected ObsSettings SettingsFor(string database, string bucket, int retentionDays = 30, string? pgDump = null) => new()
    {
        Database = DatabaseUrl.Parse(Pg.Url(database)),
        Storage = S3.Settings(bucket),
        RetentionDays = retentionDays,
        PgDumpPath = new ToolPath(pgDump ?? $"{PostgresServer.BinDir}/pg_dump"),
        PsqlPath = new ToolPath($"{PostgresServer.BinDir}/psql"),
    };

    protected static async Task<BackupResult> BackupAsync(ObsSettings settings, RecordingLog? log = null, TimeProvider? clock = null)
    {
        var engine = new BackupEngine(new BackupOptions(settings), log ?? new RecordingLog(), clock);
        return await engine.ExecuteAsync(await engine.PlanAsync(default), default);
    }

    protected static Task<RestoreResult> RestoreAsync(ObsSettings settings, string objectName, RestoreMode mode = RestoreMode.Staged, RecordingLog? log = null) =>
        new RestoreEngine(new RestoreOptions(settings), log ?? new RecordingLog()).RunAsync(objectName, mode, default);
}

/// <summary>A clock fixed at a given instant, for names and retention.</summary>
public sealed class FixedClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}

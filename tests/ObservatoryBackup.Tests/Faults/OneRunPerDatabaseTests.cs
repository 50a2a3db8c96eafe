using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: backup, restore and test of one database exclude each other through one lock; the one
/// that comes second fails at once, naming the one that runs, and never ends the other's sessions.
/// </summary>
public class OneRunPerDatabaseTests(Servers servers) : IntegrationTest(servers)
{
    [Fact]
    public async Task A_run_that_has_ended_has_let_the_lock_go_so_the_next_one_starts_at_once()
    {
        // closing the session released the lock only when the server's backend had exited: a retry right after a failed restore was refused as running
        var db = Servers.UniqueName("relock");
        await SampleDatabase.CreateAsync(Pg, db, rows: 1);
        var url = SettingsFor(db, Servers.UniqueName("bkt")).Database!;
        for (var i = 0; i < 100; i++)
            await (await DatabaseLock.AcquireAsync(url, db, i % 2 == 0 ? DatabaseLock.Run.Restore : DatabaseLock.Run.Backup, default)).DisposeAsync();
    }

    [Fact]
    public async Task A_restore_or_test_during_a_backup_fails_at_once_naming_the_backup()
    {
        var (db, bucket) = (Servers.UniqueName("busy"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var earlier = await BackupAsync(SettingsFor(db, bucket));
        var digest = await Pg.ContentDigestAsync(db);
        using var pgDump = new FakeTool("pg_dump", """touch "$(dirname "$0")/dumping"; sleep 30""");
        using var cancel = new CancellationTokenSource();
        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, bucket, pgDump: pgDump.Path)), new RecordingLog(), new FixedClock(DateTimeOffset.UtcNow.AddMinutes(1)));
        var backup = engine.ExecuteAsync(await engine.PlanAsync(default), cancel.Token);
        while (!File.Exists(pgDump.FileNamed("dumping"))) await Task.Delay(50);

        var restore = await Assert.ThrowsAsync<DatabaseException>(() => RestoreAsync(SettingsFor(db, bucket), earlier.ObjectName));
        var test = await Assert.ThrowsAsync<DatabaseException>(() =>
            new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(earlier.ObjectName, verifyOnly: false, keep: false, default));

        foreach (var ex in new[] { restore, test })
        {
            Assert.Equal(("BackupInProgress", ObsErrorKind.Busy), (ex.ErrorId, ex.Kind));
            Assert.StartsWith($"A backup of database \"{db}\"", ex.Message);
        }
        Assert.False(backup.IsCompleted); // its lock session was not terminated
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => backup);
        Assert.Equal(digest, await Pg.ContentDigestAsync(db));
    }

    [Fact]
    public async Task A_backup_during_a_restore_fails_at_once_naming_the_restore()
    {
        var (db, bucket) = (Servers.UniqueName("busy"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, db, rows: 10);
        var earlier = await BackupAsync(SettingsFor(db, bucket));
        using var psql = new FakeTool("psql", """touch "$(dirname "$0")/restoring"; sleep 30""");
        using var cancel = new CancellationTokenSource();
        var restore = new RestoreEngine(new RestoreOptions(SettingsFor(db, bucket) with { PsqlPath = new ToolPath(psql.Path) }), new RecordingLog())
            .RunAsync(earlier.ObjectName, RestoreMode.Staged, cancel.Token);
        while (!File.Exists(psql.FileNamed("restoring"))) await Task.Delay(50);

        var engine = new BackupEngine(new BackupOptions(SettingsFor(db, bucket)), new RecordingLog(), new FixedClock(DateTimeOffset.UtcNow.AddMinutes(1)));
        var ex = await Assert.ThrowsAsync<DatabaseException>(async () => await engine.ExecuteAsync(await engine.PlanAsync(default), default));

        Assert.Equal(("RestoreInProgress", ObsErrorKind.Busy), (ex.ErrorId, ex.Kind));
        Assert.StartsWith($"A restore of database \"{db}\"", ex.Message);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => restore);
    }
}

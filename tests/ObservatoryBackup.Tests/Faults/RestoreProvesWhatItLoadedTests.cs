using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Faults;

/// <summary>
/// Guarantee: a backup is untrusted input, and a restore proves what it loaded before it replaces
/// anything: a crafted meta-command runs nothing, a psql that loads nothing swaps nothing in, a
/// signal cannot split the swap, and an interrupted in-place restore says the database is partial.
/// </summary>
public class RestoreProvesWhatItLoadedTests(Servers servers) : IntegrationTest(servers)
{
    [Theory]
    [InlineData("staged")]
    [InlineData("in_place")]
    [InlineData("test")]
    public async Task A_restrict_line_with_a_command_in_backticks_runs_nothing(string how)
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 10);
        var digest = await Pg.ContentDigestAsync(target);
        var marker = Path.Combine(Path.GetTempPath(), "obs-pwned-" + Guid.NewGuid().ToString("N"));
        var name = $"postgres/2026/01/07/{target}_20260107_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip(
            $"\\restrict `touch {marker}; echo K`\nCREATE TABLE t (x int);\n--\n-- PostgreSQL database dump complete\n--\n\n\\unrestrict K\n"));

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => how switch
        {
            "test" => new BackupTestEngine(new TestOptions(SettingsFor(target, bucket)), new RecordingLog()).RunAsync(name, verifyOnly: false, keep: false, default),
            _ => RestoreAsync(SettingsFor(target, bucket), name, how == "staged" ? RestoreMode.Staged : RestoreMode.InPlace),
        });

        Assert.Equal("BackupUnsafe", ex.ErrorId);
        Assert.False(File.Exists(marker));
        Assert.Equal(digest, await Pg.ContentDigestAsync(target));
    }

    [Theory]
    [InlineData("cat > /dev/null; exit 0", 1)] // reads everything, loads nothing
    [InlineData("exit 0", 1)]                  // stops reading at once: the rest of the stream is still checked, without a race
    [InlineData("cat > /dev/null; exit 0", 3)] // the same over three connections: each phase waits for its psqls to exit, never on their output
    public async Task A_psql_that_exits_0_without_loading_swaps_nothing_in_and_fails_the_test(string body, int jobs)
    {
        var (source, target, bucket) = (Servers.UniqueName("src"), Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, source, rows: 20);
        await SampleDatabase.CreateAsync(Pg, target, rows: 3);
        var digest = await Pg.ContentDigestAsync(target);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        using var psql = new FakeTool("psql", body);
        var settings = SettingsFor(target, bucket) with { PsqlPath = new ToolPath(psql.Path), RestoreJobs = jobs };
        var log = new RecordingLog();

        var ex = await Assert.ThrowsAsync<ObsBackupException>(() => RestoreAsync(settings, backup.ObjectName, log: log));

        Assert.Equal("RestoreMismatch", ex.ErrorId);
        Assert.Contains("table research.results: missing from the restored database, 20 rows in the backup", ex.Message);
        Assert.Equal(digest, await Pg.ContentDigestAsync(target));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{target}_obs%'"));
        Assert.DoesNotContain("rename_database", log.Names);
        Assert.Equal("failed", log.Events[^1]["status"]);

        var test = await new BackupTestEngine(new TestOptions(settings), new RecordingLog()).RunAsync(backup.ObjectName, verifyOnly: false, keep: false, default);
        Assert.False(test.Passed);
        Assert.Contains(test.Mismatches, m => m.Table == "research.results" && m.Restored is null);
    }

    [Fact]
    public async Task A_program_that_is_not_psql_is_refused_before_anything_starts()
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 3);
        var backup = await BackupAsync(SettingsFor(target, bucket));
        using var old = new FakeTool("psql", "exit 0");
        File.WriteAllText(old.Path, "#!/bin/sh\necho 'psql (PostgreSQL) 15.13'\n");

        var notPsql = await Assert.ThrowsAsync<PgToolException>(() => RestoreAsync(SettingsFor(target, bucket) with { PsqlPath = new ToolPath("/bin/true") }, backup.ObjectName));
        var tooOld = await Assert.ThrowsAsync<PgToolException>(() => RestoreAsync(SettingsFor(target, bucket) with { PsqlPath = new ToolPath(old.Path) }, backup.ObjectName));

        Assert.Equal("PgToolUnrecognised", notPsql.ErrorId);
        Assert.Equal(("PsqlTooOld", ObsErrorKind.ToolVersionMismatch), (tooOld.ErrorId, tooOld.Kind));
        Assert.Contains(@"\restrict", tooOld.Message);
    }

    [Theory]
    [InlineData("terminate_connections")] // before the renames
    [InlineData("rename_database")]       // after them, before the old database is dropped
    public async Task A_signal_during_the_swap_lets_it_finish_and_leaves_nothing_aside(string step)
    {
        var (source, target, bucket) = (Servers.UniqueName("src"), Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, source, rows: 20);
        await SampleDatabase.CreateAsync(Pg, target, rows: 3);
        var backup = await BackupAsync(SettingsFor(source, bucket));
        using var cancel = new CancellationTokenSource();
        var log = new RecordingLog { OnEvent = e => { if (e.Name == step) cancel.Cancel(); } };

        var result = await new RestoreEngine(new RestoreOptions(SettingsFor(target, bucket)), log).RunAsync(backup.ObjectName, RestoreMode.Staged, cancel.Token);

        Assert.True(cancel.IsCancellationRequested);
        Assert.True(result.Replaced);
        Assert.Equal(await Pg.ContentDigestAsync(source), await Pg.ContentDigestAsync(target));
        Assert.Equal(0L, await Pg.ScalarAsync<long>("postgres", $"SELECT count(*) FROM pg_database WHERE datname LIKE '{target}_obs%'"));
        Assert.Equal("success", log.Events[^1]["status"]);
    }

    [Fact]
    public async Task A_database_an_interrupted_drop_left_invalid_is_dropped_not_kept()
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 3);
        var backup = await BackupAsync(SettingsFor(target, bucket));
        var invalid = StagingNames.NameWithSuffix(target, "_obs_replaced_20200101000000");
        var valid = StagingNames.NameWithSuffix(target, "_obs_replaced_20200101000001");
        await Pg.CreateDatabaseAsync(invalid);
        await Pg.CreateDatabaseAsync(valid);
        // what PostgreSQL 15.4+ leaves of a DROP DATABASE cut short
        await Pg.ExecuteAsync("postgres", $"UPDATE pg_database SET datconnlimit = -2 WHERE datname = '{invalid}'");
        var log = new RecordingLog();

        await RestoreAsync(SettingsFor(target, bucket), backup.ObjectName, log: log);

        Assert.False(await Pg.DatabaseExistsAsync(invalid));
        Assert.Contains(log.Events, e => e.Name == "removed_leftover" && (string?)e["kind"] == "invalid_database");
        Assert.True(await Pg.DatabaseExistsAsync(valid)); // it may hold the only copy of the replaced data
        Assert.Contains(log.Events, e => e.Name == "replaced_database_found" && (string?)e["database"] == valid);
        await Pg.ExecuteAsync("postgres", $"DROP DATABASE \"{valid}\"");
    }

    [Fact]
    public async Task An_interrupted_in_place_restore_says_the_database_is_partial_and_which_backup_to_restore()
    {
        var (target, bucket) = (Servers.UniqueName("tgt"), Servers.UniqueName("bkt"));
        await SampleDatabase.CreateAsync(Pg, target, rows: 3);
        var backup = await BackupAsync(SettingsFor(target, bucket));
        using var cancel = new CancellationTokenSource();
        var log = new RecordingLog { OnEvent = e => { if (e.Name == "create_database") cancel.Cancel(); } };

        var ex = await Assert.ThrowsAsync<PartialRestoreException>(() =>
            new RestoreEngine(new RestoreOptions(SettingsFor(target, bucket)), log).RunAsync(backup.ObjectName, RestoreMode.InPlace, cancel.Token));

        Assert.Equal("RestorePartial", ex.ErrorId);
        Assert.Contains("was interrupted", ex.Message);
        Assert.Contains($"partial restore: restore '{backup.ObjectName}' again", ex.Message);
        Assert.Contains("partial restore", (string)log.Single("restore_failed")["error"]!);
    }

    [Fact]
    public async Task A_dump_cut_inside_a_copy_block_fails_verification_though_it_ends_with_the_closing_line()
    {
        var (db, bucket) = (Servers.UniqueName("cut"), Servers.UniqueName("bkt"));
        var name = $"postgres/2026/01/08/{db}_20260108_000000.sql.gz";
        await S3.PutAsync(bucket, name, Dumps.Gzip("CREATE TABLE t (x int);\nCOPY public.t (x) FROM stdin;\n1\n--\n-- PostgreSQL database dump complete\n--\n"));

        var ex = await Assert.ThrowsAsync<BackupDataException>(() =>
            new BackupTestEngine(new TestOptions(SettingsFor(db, bucket)), new RecordingLog()).RunAsync(name, verifyOnly: true, keep: false, default));

        Assert.Equal("BackupCorrupt", ex.ErrorId);
        Assert.Contains("ends inside the COPY data of public.t", ex.Message);
    }
}

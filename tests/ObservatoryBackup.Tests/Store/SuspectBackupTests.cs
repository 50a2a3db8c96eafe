using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Monitoring;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Store;

/// <summary>
/// A name whose time cannot be true (ahead of the clock, or of when the store wrote it) is suspect, on
/// the in-memory store with a fixed clock: listings mark it, --latest and status never take it as the
/// newest, retention neither counts it in a keep rule nor deletes it; and status checks every database.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class SuspectBackupTests
{
    private static readonly DateTimeOffset Now = new(2026, 4, 10, 12, 0, 0, TimeSpan.Zero);
    private const string Future = "postgres/2099/12/31/app_20991231_000000.sql.gz";
    private static readonly string Real = BackupKey.For("app", Now.AddHours(-16));
    private static readonly string Older = BackupKey.For("app", Now.AddDays(-2));

    private readonly MemoryObjectStore _memory = new("suspect") { Now = Now };
    private readonly RecordingLog _log = new();

    private ObsSettings Settings(KeepRules? keep = null, int days = 0, string? metrics = null) =>
        new() { Storage = _memory.Settings, RetentionDays = days, Keep = keep ?? KeepRules.None, MetricsPath = metrics };

    private StatusEngine Status(string? metrics = null) => new(Settings(metrics: metrics), _log, new FixedClock(Now)) { OpenStore = _ => _memory };

    private BackupCatalog Catalog => new(_memory.Settings, new EventLog(_log, new FixedClock(Now))) { OpenStore = _ => _memory };

    private void PutTaken(string name, DateTimeOffset at) => _memory.Put(name, new byte[100], at.AddMinutes(1));

    [Fact]
    public void A_name_more_than_the_tolerance_ahead_of_the_clock_or_of_its_writing_is_suspect()
    {
        Assert.Equal(TimeSpan.FromMinutes(5), SuspectName.Tolerance);
        Assert.Null(SuspectName.Reason(Now.AddMinutes(4), null, Now));
        Assert.Equal(SuspectName.InTheFuture, SuspectName.Reason(Now.AddMinutes(6), null, Now));
        Assert.Equal(SuspectName.InTheFuture, SuspectName.Reason(Now.AddMinutes(6), Now, Now));
        Assert.Null(SuspectName.Reason(Now.AddHours(-1), Now.AddHours(-1).AddMinutes(4), Now)); // written after it was named: as every backup
        Assert.Null(SuspectName.Reason(Now.AddHours(-1), Now.AddHours(-1).AddMinutes(-4), Now)); // clock skew between host and store
        Assert.Equal(SuspectName.AfterWritten, SuspectName.Reason(Now.AddHours(-1), Now.AddHours(-3), Now));
        Assert.Null(SuspectName.Reason(null, Now, Now));
    }

    [Fact]
    public async Task Listings_mark_a_future_name_and_the_newest_is_never_it()
    {
        PutTaken(Real, Now.AddHours(-16));
        _memory.Put(Future, new byte[100], Now.AddHours(-1));
        // named an hour after the store wrote it: a forgery that will not stay in the future
        var backdated = BackupKey.For("app", Now.AddHours(-2));
        _memory.Put(backdated, new byte[100], Now.AddHours(-3));

        var listed = await Catalog.ListAsync(new BackupQuery(), default);
        Assert.Equal([(Future, SuspectName.InTheFuture), (backdated, SuspectName.AfterWritten), (Real, (string?)null)],
            listed.Select(b => (b.ObjectName, b.SuspectReason)));
        Assert.Equal(Real, (await Catalog.NewestAsync("app", default)).ObjectName);
        Assert.Equal(Real, Assert.Single(await Catalog.ListAsync(new BackupQuery { Latest = true }, default)).ObjectName);
    }

    [Fact]
    public async Task Status_names_a_future_object_and_counts_neither_it_as_newest_nor_as_fresh()
    {
        PutTaken(Real, Now.AddHours(-16));
        _memory.Put(Future, new byte[5000], Now.AddHours(-1));
        var engine = Status();

        var status = await engine.RunAsync("app", TimeSpan.FromHours(1), default);

        Assert.Equal((Real, TimeSpan.FromHours(16), 1, 100L, false), (status.Newest!.ObjectName, status.NewestAge!.Value, status.Count, status.TotalSize, status.Fresh));
        Assert.Equal(Future, Assert.Single(status.Suspect).ObjectName);
        var warning = _log.Single("suspect_backup");
        Assert.Equal((LogLevel.WARNING, Future, SuspectName.InTheFuture), (warning.Level, (string?)warning["object_name"], (string?)warning["reason"]));
        Assert.Equal(ErrorIds.BackupStale, Assert.Throws<BackupDataException>(() => engine.EnsureFresh(status)).ErrorId);
        Assert.True((await engine.RunAsync("app", StatusEngine.DefaultMaxAge, default)).Fresh);
    }

    [Fact]
    public async Task A_database_with_only_a_future_object_has_no_backup()
    {
        _memory.Put(Future, new byte[100], Now.AddHours(-1));
        var engine = Status();

        var one = await engine.RunAsync("app", StatusEngine.DefaultMaxAge, default);
        var none = Assert.Throws<BackupDataException>(() => engine.EnsureFresh(one));
        Assert.Equal(ErrorIds.NoBackups, none.ErrorId);
        Assert.Contains(Future, none.Message);

        var all = await engine.RunAllAsync(StatusEngine.DefaultMaxAge, default);
        Assert.Equal(("app", 0), (Assert.Single(all).Database, all[0].Count));
        Assert.Equal(ErrorIds.BackupStale, Assert.Throws<BackupDataException>(() => engine.EnsureFresh(all)).ErrorId);
    }

    [Fact]
    public async Task Keep_last_one_with_a_future_object_keeps_the_real_newest_and_leaves_the_future_one_alone()
    {
        PutTaken(Real, Now.AddHours(-16));
        PutTaken(Older, Now.AddDays(-2));
        _memory.Put(Future, new byte[100], Now.AddHours(-1));
        var pruner = new Pruner(Settings(new KeepRules(Last: 1)), _log, new FixedClock(Now)) { OpenStore = _ => _memory };

        var dryRun = await pruner.RunAsync(dryRun: true, default);
        Assert.Equal([(Older, "expired"), (Real, "newest of its database"), (Future, "suspect: named in the future")], dryRun.Decisions.Select(d => (d.ObjectName, d.Verdict)));
        var pruned = await pruner.RunAsync(dryRun: false, default);

        Assert.Equal([Older], pruned.Deleted);
        Assert.Equal([Future], pruned.Suspect);
        Assert.Equal([Real, Future], _memory.ObjectNames.Order(StringComparer.Ordinal));
        Assert.All(_log.Events.Where(e => e.Name == "suspect_backup"), e => Assert.Equal(("left alone", Future), ((string?)e["retention"], (string?)e["object_name"])));
        // judged by names alone, a name ahead of the clock is suspect too
        var names = new RetentionPolicy(0, new KeepRules(Last: 1)).Decide([Older, Real, Future], Now);
        Assert.Equal([Future], names.Where(d => d.Suspect is not null).Select(d => d.ObjectName));
        Assert.Equal([(Older, "expired"), (Real, "last 1")], names.Where(d => d.Suspect is null).Select(d => (d.ObjectName, d.Verdict)));
    }

    [Fact]
    public async Task Every_database_has_its_own_status_and_one_stale_database_fails_the_whole()
    {
        var metrics = Path.Combine(Directory.CreateTempSubdirectory("obs-metrics-").FullName, "obs.prom");
        PutTaken(Real, Now.AddHours(-16));
        var stale = BackupKey.For("other", Now.AddDays(-3));
        PutTaken(stale, Now.AddDays(-3));
        PutTaken(BackupKey.For(BackupKey.Globals, Now.AddHours(-16)), Now.AddHours(-16));
        _memory.Put(Future, new byte[100], Now.AddHours(-1));
        var engine = Status(metrics);

        var all = await engine.RunAllAsync(StatusEngine.DefaultMaxAge, default);

        Assert.Equal([("", true, true), ("app", false, true), ("other", false, false)], all.Select(s => (s.Database, s.Globals, s.Fresh)));
        var failure = Assert.Throws<BackupDataException>(() => engine.EnsureFresh(all));
        Assert.Equal(ErrorIds.BackupStale, failure.ErrorId);
        Assert.Contains($"database \"other\", '{stale}', is 3 days old", failure.Message);
        Assert.DoesNotContain("\"app\"", failure.Message);
        Assert.Equal(3, _log.Events.Count(e => e.Name == "backup_status"));
        var lines = File.ReadAllLines(metrics);
        Assert.Contains($"obs_backup_newest_timestamp_seconds{{database=\"app\",bucket=\"suspect\"}} {Now.AddHours(-16).ToUnixTimeSeconds()}", lines);
        Assert.Contains("obs_backup_count{database=\"%globals\",bucket=\"suspect\"} 1", lines);
        Assert.Contains("obs_backup_count{database=\"other\",bucket=\"suspect\"} 1", lines);

        engine.EnsureFresh(all.Where(s => s.Database != "other").ToList());
        Assert.Equal(ErrorIds.NoBackups, Assert.Throws<BackupDataException>(() => engine.EnsureFresh([])).ErrorId);
    }
}

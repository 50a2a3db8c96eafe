using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Store;

/// <summary>Pins, on the in-memory store: a pinned backup outlives every retention rule until it is unpinned.</summary>
[Trait("Tier", "Fast")]
public sealed class PinTests
{
    private readonly MemoryObjectStore _memory = new("pins");
    private readonly RecordingLog _log = new();
    private const string Old = "postgres/2025/01/01/observatory_20250101_020000.sql.gz";
    private const string Newest = "postgres/2026/05/01/observatory_20260501_020000.sql.gz";

    private BackupPins Pins => new(_memory.Settings, _log) { OpenStore = _ => _memory };

    private Task<PruneResult> PruneAsync() =>
        new Pruner(new Configuration.ObsSettings { Storage = _memory.Settings, RetentionDays = 30 }, _log, new FixedClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero)))
        { OpenStore = _ => _memory }.RunAsync(dryRun: false, default);

    [Fact]
    public async Task A_pinned_backup_outlives_retention_until_it_is_unpinned_and_listings_show_the_pin()
    {
        _memory.Put(Old, [1]);
        _memory.Put(Newest, [1]);

        var pinned = await Pins.PinAsync(Old, default);
        await Pins.PinAsync(Old, default); // again: no failure
        var kept = await PruneAsync();

        Assert.True(pinned.Pinned);
        Assert.Empty(kept.Deleted);
        Assert.Contains(Old, _memory.ObjectNames);
        var listed = await new BackupCatalog(_memory.Settings, new EventLog(_log, TimeProvider.System)) { OpenStore = _ => _memory }.ListAsync(new BackupQuery(), default);
        Assert.Equal([false, true], listed.Select(b => b.Pinned));
        Assert.Equal(2, listed.Count); // the pin's marker is no backup
        Assert.Contains("postgres/.pins/2025/01/01/observatory_20250101_020000.sql.gz", _memory.ObjectNames);

        await Pins.UnpinAsync(Old, default);
        var pruned = await PruneAsync();

        Assert.Equal([Old], pruned.Deleted);
        Assert.Equal(["backup_pinned", "backup_unpinned"], _log.Names.Where(n => n.StartsWith("backup_", StringComparison.Ordinal)).Distinct());
    }

    [Fact]
    public async Task Only_an_existing_backup_can_be_pinned()
    {
        var missing = await Assert.ThrowsAsync<BackupDataException>(() => Pins.PinAsync(Old, default));
        var outside = await Assert.ThrowsAsync<BackupDataException>(() => Pins.PinAsync("elsewhere/x.sql.gz", default));

        Assert.Equal(ErrorIds.BackupNotFound, missing.ErrorId);
        Assert.Equal(ErrorIds.InvalidObjectName, outside.ErrorId);
    }
}

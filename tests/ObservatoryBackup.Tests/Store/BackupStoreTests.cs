using System.Security.Cryptography;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Store;

/// <summary>
/// The streamed upload, the store's decorators and retention on an in-memory store: what needs no server to be
/// shown. What only a real S3 shows (signatures, conditional writes on radosgw, resets mid-transfer)
/// stays in Integration/ and Faults/.
/// </summary>
[Trait("Tier", "Fast")]
public class BackupStoreTests
{
    private const string Name = "postgres/2026/02/16/observatory_20260216_020000.sql.gz";
    private readonly MemoryObjectStore _memory = new();
    private readonly RecordingLog _log = new();

    private BackupStore Store(PartPlan? parts = null) =>
        new(_memory, new EventLog(_log, TimeProvider.System)) { Parts = parts ?? new PartPlan(n => n <= 2 ? 1024 : 2048, 10) };

    private static byte[] Random(int length) => RandomNumberGenerator.GetBytes(length);

    [Fact]
    public async Task A_backup_that_fits_in_one_part_is_one_conditional_put()
    {
        var data = Random(1000);

        Assert.Equal(1000, await Store().UploadAsync(Name, new MemoryStream(data), "application/gzip", default));

        Assert.Equal(data, _memory.Get(Name));
        Assert.Contains($"PutIfAbsent {Name}", _memory.Requests);
        Assert.DoesNotContain(_memory.Requests, r => r.StartsWith("InitiateMultipart", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_larger_backup_goes_in_parts_that_grow_as_the_plan_says_and_arrives_whole()
    {
        var data = Random(1024 + 1024 + 2048 + 100);

        Assert.Equal(data.Length, await Store().UploadAsync(Name, new MemoryStream(data), "application/gzip", default));

        Assert.Equal(data, _memory.Get(Name));
        Assert.Equal(4, _memory.Requests.Count(r => r.StartsWith("UploadPart", StringComparison.Ordinal)));
        Assert.EndsWith("-4\"", (await Store().StatAsync(Name, default))!.ETag);
        Assert.Equal(0, _memory.PendingUploads);
    }

    [Fact]
    public async Task A_completion_whose_answer_was_lost_is_recognised_by_its_multipart_etag()
    {
        var data = Random(3000);
        var lost = 0;
        _memory.LostAnswer = (request, _) => request == "CompleteMultipart" && lost++ == 0 ? new IOException("connection reset after the store completed") : null;

        Assert.Equal(3000, await Store().UploadAsync(Name, new MemoryStream(data), "application/gzip", default));

        Assert.Equal(data, _memory.Get(Name));
        Assert.Single(_log.Events, e => e.Name == "storage_retry"); // the retried completion found no upload: the object was ours
    }

    [Fact]
    public async Task A_lost_completion_is_not_taken_for_success_when_the_name_now_holds_other_data()
    {
        var lost = 0;
        _memory.LostAnswer = (request, name) =>
        {
            if (request != "CompleteMultipart" || lost++ > 0) return null;
            _memory.Put(name!, "someone else's"u8.ToArray()); // replaced between the completion and its retry
            return new IOException("connection reset after the store completed");
        };

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => Store().UploadAsync(Name, new MemoryStream(Random(3000)), "application/gzip", default));

        Assert.Equal(ErrorIds.BackupNotFound, ex.ErrorId);
        Assert.Equal("someone else's"u8.ToArray(), _memory.Get(Name));
    }

    [Fact]
    public async Task A_backup_past_the_last_part_is_BackupTooLarge_and_leaves_no_upload()
    {
        var ex = await Assert.ThrowsAsync<StorageException>(() =>
            Store(new PartPlan(_ => 1024, MaxParts: 3)).UploadAsync(Name, new MemoryStream(Random(3 * 1024 + 1)), "application/gzip", default));

        Assert.Equal(ErrorIds.BackupTooLarge, ex.ErrorId);
        Assert.Contains("3,072 bytes in 3 parts", ex.Message);
        Assert.Equal(0, _memory.PendingUploads);
        Assert.Empty(_memory.ObjectNames);
    }

    [Fact]
    public async Task A_stream_that_fails_aborts_its_upload_and_stores_nothing()
    {
        var failing = new FailingAfter(Random(2500), 2100);

        await Assert.ThrowsAsync<InvalidDataException>(() => Store().UploadAsync(Name, failing, "application/gzip", default));

        Assert.Equal(0, _memory.PendingUploads);
        Assert.Empty(_memory.ObjectNames);
    }

    [Fact]
    public async Task An_abort_that_fails_is_logged_not_dropped_and_the_next_backup_removes_the_upload()
    {
        _memory.Fault = (request, _) => request == "AbortMultipart" ? new BackupDataException(ObsErrorKind.PermissionDenied, "AccessDenied", Name, "abort denied") : null;

        await Assert.ThrowsAsync<InvalidDataException>(() => Store().UploadAsync(Name, new FailingAfter(Random(2500), 2100), "application/gzip", default));

        var failed = Assert.Single(_log.Events, e => e.Name == "multipart_abort_failed");
        Assert.Equal(Name, failed["object_name"]);
        Assert.Contains("abort denied", (string)failed["error"]!);
        Assert.Equal(1, _memory.PendingUploads);
        _memory.Fault = null;
        Assert.Equal([Name], await Store().RemoveStaleUploadsAsync(DateTimeOffset.UtcNow.AddMinutes(1), default));
        Assert.Equal(0, _memory.PendingUploads);
    }

    [Fact]
    public async Task A_name_taken_is_never_overwritten()
    {
        _memory.Put(Name, "theirs"u8.ToArray());

        var small = await Assert.ThrowsAsync<BackupDataException>(() => Store().UploadAsync(Name, new MemoryStream(Random(10)), "application/gzip", default));
        var large = await Assert.ThrowsAsync<BackupDataException>(() => Store().UploadAsync(Name, new MemoryStream(Random(5000)), "application/gzip", default));

        Assert.Equal([ErrorIds.BackupAlreadyExists, ErrorIds.BackupAlreadyExists], new[] { small.ErrorId, large.ErrorId });
        Assert.Equal("theirs"u8.ToArray(), _memory.Get(Name));
        Assert.Equal(0, _memory.PendingUploads);
    }

    [Fact]
    public async Task Every_store_request_is_retried_through_the_decorators_and_each_retry_logged()
    {
        var faults = 0;
        _memory.Fault = (request, _) => request is "UploadPart" or "List" or "Stat" && faults++ % 2 == 0 ? new IOException("connection reset") : null;
        var store = Store();

        await store.UploadAsync(Name, new MemoryStream(Random(3000)), "application/gzip", default);
        var listed = new List<StoredBackup>();
        await foreach (var item in store.ListAsync(default)) listed.Add(item);

        Assert.Equal([Name], listed.Select(b => b.ObjectName));
        Assert.Equal(faults / 2 + faults % 2, _log.Events.Count(e => e.Name == "storage_retry"));
        Assert.True(faults >= 4);
    }

    [Fact]
    public async Task Retention_on_its_own_deletes_every_databases_expired_backups_but_its_newest_and_goes_on_past_a_failed_delete()
    {
        string[] names =
        [
            "postgres/2026/01/01/observatory_20260101_020000.sql.gz",
            "postgres/2026/01/02/observatory_20260102_020000.sql.gz",
            "postgres/2026/01/03/observatory_20260103_020000.sql.gz", // newest of observatory: kept though expired
            "postgres/2026/01/01/other_20260101_020000.sql.gz",
            "postgres/2026/05/31/other_20260531_020000.sql.gz",
            "postgres/2026/01/01/notes.txt",
        ];
        foreach (var name in names) _memory.Put(name, [1]);
        _memory.Fault = (request, name) => request == "Delete" && name == names[1] ? new BackupDataException(ObsErrorKind.PermissionDenied, "AccessDenied", name, "denied") : null;
        var settings = new ObsSettings { Storage = _memory.Settings, RetentionDays = 30 };

        var result = await new Pruner(settings, _log, new FixedClock(new DateTimeOffset(2026, 6, 1, 0, 0, 0, TimeSpan.Zero))) { OpenStore = _ => _memory }
            .RunAsync(dryRun: false, default);

        Assert.Equal([names[0], names[3]], result.Deleted.Order());
        Assert.Equal([names[1]], result.Failed);
        Assert.Contains(_log.Events, e => e.Name == "delete_failed" && (string?)e["object_name"] == names[1]);
        Assert.Equal(new[] { names[1], names[2], names[4], names[5] }.Order(StringComparer.Ordinal), _memory.ObjectNames);
    }

    [Theory]
    [InlineData(1_000L, 10_000L, false)] // a tenth: still ordinary
    [InlineData(999L, 10_000L, true)]
    [InlineData(1L, null, false)]        // the first backup has nothing to shrink from
    public void A_backup_under_a_tenth_of_the_previous_one_is_suspicious(long size, long? previous, bool suspicious) =>
        Assert.Equal(suspicious, BackupEngine.IsSuspiciousShrink(size,
            previous is { } p ? new StoredBackup("postgres/2026/01/01/observatory_20260101_020000.sql.gz", "b", p, DateTimeOffset.UtcNow) : null));

    /// <summary>A stream that fails after <paramref name="failAt"/> bytes, as a failed dump's pipe does.</summary>
    private sealed class FailingAfter(byte[] data, int failAt) : MemoryStream(data)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            if (Position >= failAt) throw new InvalidDataException("the dump failed");
            return await base.ReadAsync(buffer[..(int)Math.Min(buffer.Length, failAt - Position)], ct);
        }
    }
}

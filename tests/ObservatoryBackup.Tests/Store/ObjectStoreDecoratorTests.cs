using System.Security.Cryptography;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;
using ObservatoryBackup.Tests.Fixtures;

namespace ObservatoryBackup.Tests.Store;

/// <summary>
/// The decorators every store is used through, on the in-memory store: a retry only where the store
/// calls its failure transient, each retry logged, the engine's exception for what finally fails.
/// </summary>
[Trait("Tier", "Fast")]
public class ObjectStoreDecoratorTests
{
    private const string Name = "postgres/2026/02/16/observatory_20260216_020000.sql.gz";
    private readonly MemoryObjectStore _memory = new();
    private readonly RecordingLog _log = new();

    private EventLog Log => new(_log, TimeProvider.System);

    private RetryingObjectStore Retrying() => new(_memory, new RetryPolicy(TimeSpan.FromMilliseconds(1)), Log);

    private IEnumerable<BackupEvent> Retries => _log.Events.Where(e => e.Name == "storage_retry");

    private int Requests(string request) => _memory.Requests.Count(r => r.StartsWith(request + " ", StringComparison.Ordinal));

    [Fact]
    public async Task A_transient_failure_is_retried_and_each_retry_logged_with_its_attempt_and_the_failure()
    {
        var failures = 0;
        _memory.Put(Name, [1, 2, 3]);
        _memory.Fault = (request, _) => request == "Stat" && failures++ < 2 ? new IOException("connection reset") : null;

        var stored = await Retrying().StatAsync(Name, default);

        Assert.Equal(3, stored!.Size);
        Assert.Equal(3, Requests("Stat"));
        Assert.Equal([1, 2], Retries.Select(e => (int)e["attempt"]!));
        Assert.All(Retries, e => Assert.Equal((LogLevel.WARNING, "connection reset"), (e.Level, (string)e["error"]!)));
        Assert.Contains("\"event\": \"storage_retry\", \"attempt\": 1, \"error\": \"connection reset\"", Retries.First().ToJson());
    }

    [Fact]
    public async Task A_permanent_failure_is_not_retried_and_goes_up_as_the_store_threw_it()
    {
        var refused = new InvalidOperationException("refused");
        _memory.Fault = (request, _) => request == "Stat" ? refused : null;

        Assert.Same(refused, await Assert.ThrowsAsync<InvalidOperationException>(() => Retrying().StatAsync(Name, default)));

        Assert.Equal(StoreFault.Permanent, _memory.Classify(refused));
        Assert.Equal(1, Requests("Stat"));
        Assert.Empty(Retries);
    }

    [Fact]
    public async Task A_missing_object_is_not_retried_and_is_BackupNotFound()
    {
        using var store = new BackupStore(_memory, Log);

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => store.ReadAsync(Name, null, null, (_, _) => Task.FromResult(true), default));

        Assert.Equal((ErrorIds.BackupNotFound, ObsErrorKind.NotFound), (ex.ErrorId, ex.Kind));
        Assert.Equal(StoreFault.NotFound, _memory.Classify(ex));
        Assert.Equal(1, Requests("Read"));
        Assert.Empty(Retries);
    }

    [Fact]
    public async Task A_local_failure_in_a_reads_consumer_is_never_retried()
    {
        _memory.Put(Name, [1, 2, 3]);
        using var store = new BackupStore(_memory, Log);
        var corrupt = new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupCorrupt, Name, "damaged");

        Assert.Same(corrupt, await Assert.ThrowsAsync<BackupDataException>(() => store.ReadAsync<bool>(Name, 3, null, (_, _) => throw corrupt, default)));

        Assert.Equal(1, Requests("Read"));
        Assert.Empty(Retries);
    }

    [Fact]
    public async Task Retries_stop_after_the_policys_last_and_the_failure_is_translated_in_the_stores_words()
    {
        _memory.Fault = (request, _) => request == "Stat" ? new IOException("connection reset") : null;
        using var store = new BackupStore(_memory, Log);

        var ex = await Assert.ThrowsAsync<StorageException>(() => store.StatAsync(Name, default));

        Assert.Equal((ErrorIds.StorageUnreachable, ObsErrorKind.ConnectionFailed), (ex.ErrorId, ex.Kind));
        Assert.Contains("Cannot reach the object store at", ex.Message);
        Assert.Contains("connection reset", ex.Message);
        Assert.Equal(RetryPolicy.MaxRetries + 1, Requests("Stat"));
        Assert.Equal(RetryPolicy.MaxRetries, Retries.Count());
    }

    [Fact]
    public async Task The_callers_cancellation_is_neither_retried_nor_translated()
    {
        using var cancelled = new CancellationTokenSource();
        _memory.Fault = (request, _) =>
        {
            cancelled.Cancel();
            return new OperationCanceledException(cancelled.Token);
        };
        using var store = new BackupStore(_memory, Log);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.StatAsync(Name, cancelled.Token));

        Assert.Equal(1, Requests("Stat"));
        Assert.Empty(Retries);
    }

    [Fact]
    public async Task A_download_dropped_halfway_resumes_at_the_next_byte_of_the_same_object()
    {
        var data = RandomNumberGenerator.GetBytes(5000);
        _memory.Put(Name, data);
        var dropped = 0;
        _memory.ReadBody = body => dropped++ == 0 ? new DroppedAfter(body, 1234) : body;
        using var store = new BackupStore(_memory, Log);
        var stored = (await store.StatAsync(Name, default))!;

        var copy = new MemoryStream(); // written once, front to back: as a pipe into psql is
        await store.CopyOnceAsync(stored, copy, null, default);

        Assert.Equal(data, copy.ToArray());
        Assert.Equal(2, Requests("Read"));
        Assert.Equal("connection reset at byte 1234", (string)Assert.Single(Retries)["error"]!);
    }

    /// <summary>A body whose connection drops after <paramref name="dropAt"/> bytes.</summary>
    internal sealed class DroppedAfter(Stream inner, int dropAt) : Stream
    {
        private long _read;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_read >= dropAt) throw new IOException($"connection reset at byte {_read}");
            var n = inner.Read(buffer, offset, (int)Math.Min(count, dropAt - _read));
            _read += n;
            return n;
        }

        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

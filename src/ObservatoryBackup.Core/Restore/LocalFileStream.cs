using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Restore;

/// <summary>A pass-through over a local file that reports its I/O failures (a full disk) as the engine's, naming the file.</summary>
internal sealed class LocalFileStream(FileStream inner, string path) : Stream
{
    public override bool CanRead => inner.CanRead;
    public override bool CanSeek => inner.CanSeek;
    public override bool CanWrite => inner.CanWrite;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    // .NET reports EFBIG (past the file size limit) as ArgumentOutOfRangeException, not IOException
    private static bool IsLocalFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException;

    public static ObsBackupException Failed(string path, Exception ex) =>
        new(ObsErrorKind.OperationFailed, ErrorIds.TempFileFailed,
            $"The restore's temporary file {path} failed: {ex.Message} Free space in {System.IO.Path.GetDirectoryName(path)} or point TMPDIR elsewhere. Nothing was changed.",
            path, ex);

    public override int Read(byte[] buffer, int offset, int count) => Guard(() => inner.Read(buffer, offset, count));
    public override void Write(byte[] buffer, int offset, int count) => Guard(() => { inner.Write(buffer, offset, count); return 0; });
    public override void Flush() => Guard(() => { inner.Flush(); return 0; });
    public override long Seek(long offset, SeekOrigin origin) => Guard(() => inner.Seek(offset, origin));
    public override void SetLength(long value) => Guard(() => { inner.SetLength(value); return 0; });

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        try { return await inner.ReadAsync(buffer, ct).ConfigureAwait(false); }
        catch (Exception ex) when (IsLocalFailure(ex)) { throw Failed(path, ex); }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default)
    {
        try { await inner.WriteAsync(buffer, ct).ConfigureAwait(false); }
        catch (Exception ex) when (IsLocalFailure(ex)) { throw Failed(path, ex); }
    }

    public override async Task FlushAsync(CancellationToken ct)
    {
        try { await inner.FlushAsync(ct).ConfigureAwait(false); }
        catch (Exception ex) when (IsLocalFailure(ex)) { throw Failed(path, ex); }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();

    private T Guard<T>(Func<T> io)
    {
        try { return io(); }
        catch (Exception ex) when (IsLocalFailure(ex)) { throw Failed(path, ex); }
    }
}

using System.Security.Cryptography;
using Microsoft.Win32.SafeHandles;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Store;

/// <summary>
/// The SHA-256 of every <see cref="ChunkSize"/> bytes of an object, taken on a pass whose bytes its
/// signature proved, so that a later pass over the object can prove each chunk before passing it on
/// (<see cref="BackupStore.CopyOnceAsync"/>), not only once the whole object has gone by: a store
/// that gives other bytes the second time (whatever its ETag says) has none of them used. Kept in an
/// owner-only temporary file, deleted on dispose: 32 bytes per MiB, so memory does not grow with the object.
/// </summary>
internal sealed class ChunkDigests : IDisposable
{
    public const int ChunkSize = 1 << 20;
    private const int DigestSize = 32;
    private readonly SafeFileHandle _file;

    public ChunkDigests(string directory)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.DeleteOnClose,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var stream = new FileStream(Path.Combine(directory, $"obs-chunks-{Guid.NewGuid():N}.tmp"), options);
        _file = stream.SafeFileHandle;
    }

    /// <summary>How many chunks were recorded (the last one may be short).</summary>
    public long Count { get; private set; }

    /// <summary>Records the chunks of one whole pass, from its first byte (a retried pass starts over).</summary>
    public async Task RecordAsync(Stream body, CancellationToken ct)
    {
        Count = 0;
        var chunk = new byte[ChunkSize];
        var digest = new byte[DigestSize];
        while (true)
        {
            var n = await body.ReadAtLeastAsync(chunk, ChunkSize, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (n == 0) break;
            SHA256.HashData(chunk.AsSpan(0, n), digest);
            await RandomAccess.WriteAsync(_file, digest, Count * DigestSize, ct).ConfigureAwait(false);
            Count++;
            if (n < ChunkSize) break;
        }
    }

    /// <summary>A check of a later pass: each chunk against its recorded digest as soon as it is whole, then <paramref name="inner"/>.</summary>
    public IContentCheck Check(IContentCheck inner, string objectName) => new ChunkCheck(this, inner, objectName);

    public void Dispose() => _file.Dispose();

    /// <summary>A check that proves every chunk as soon as it is whole; a reader that hands it whole chunks proves each before using it.</summary>
    internal sealed class ChunkCheck(ChunkDigests digests, IContentCheck inner, string objectName) : IContentCheck
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _chunk;
        private int _filled;

        public void Append(ReadOnlySpan<byte> data)
        {
            inner.Append(data);
            while (data.Length > 0)
            {
                var take = Math.Min(data.Length, ChunkSize - _filled);
                _hash.AppendData(data[..take]);
                _filled += take;
                data = data[take..];
                if (_filled == ChunkSize) Prove();
            }
        }

        public void Finish()
        {
            if (_filled > 0) Prove();
            if (_chunk != digests.Count) throw Differs($"it ended after {_chunk} of {digests.Count} chunks of {ChunkSize} bytes");
            inner.Finish();
        }

        private void Prove()
        {
            Span<byte> expected = stackalloc byte[DigestSize];
            Span<byte> actual = stackalloc byte[DigestSize];
            _hash.GetHashAndReset(actual);
            if (_chunk >= digests.Count || RandomAccess.Read(digests._file, expected, _chunk * DigestSize) != DigestSize || !expected.SequenceEqual(actual))
                throw Differs($"its bytes {_chunk * ChunkSize:N0} to {_chunk * ChunkSize + _filled:N0} are not those verified");
            _chunk++;
            _filled = 0;
        }

        private BackupDataException Differs(string what) =>
            new(ObsErrorKind.InvalidData, ErrorIds.BackupSignatureInvalid, objectName,
                $"Backup '{objectName}' read again for the load is not the object whose signature was verified: {what}; none of those bytes was used.");
    }
}

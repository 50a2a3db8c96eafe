using ObservatoryBackup.Signing;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Format;

/// <summary>The backup object's bytes as the uploader reads them, each fed to the signer on the way: what is signed is what was stored.</summary>
internal sealed class SigningReadStream(Stream inner, MinisignSigner signer) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var n = inner.Read(buffer);
        signer.Append(buffer[..n]);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
    {
        var n = await inner.ReadAsync(buffer, ct).ConfigureAwait(false);
        signer.Append(buffer.Span[..n]);
        return n;
    }
}

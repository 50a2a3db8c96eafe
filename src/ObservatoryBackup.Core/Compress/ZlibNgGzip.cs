using System.IO.Compression;

namespace ObservatoryBackup.Compress;

/// <summary>gzip by zlib-ng, the zlib that .NET's System.IO.Compression carries: on every host.</summary>
internal sealed class ZlibNgGzip : GzipCodec
{
    public static readonly ZlibNgGzip Instance = new();

    private static readonly byte[] EmptyFinalBlock = [0x03, 0x00]; // BFINAL, fixed Huffman, end of block

    private ZlibNgGzip() { }

    public override string Name => "zlib-ng";

    public override string Description => "zlib-ng (.NET's System.IO.Compression)";

    public override int LevelFor(int level) => level;

    internal override int DeflateBlock(ReadOnlySpan<byte> block, byte[] output, int level, bool final)
    {
        // .NET's DeflateStream writes nothing at all for no input; a stream must still end with a final block
        if (final && block.IsEmpty)
        {
            EmptyFinalBlock.CopyTo(output, 0);
            return EmptyFinalBlock.Length;
        }
        var buffer = new MemoryStream(output, writable: true);
        var deflate = new DeflateStream(buffer, new ZLibCompressionOptions { CompressionLevel = level }, leaveOpen: true);
        deflate.Write(block);
        if (final)
        {
            deflate.Dispose();
            return (int)buffer.Position;
        }
        deflate.Flush(); // Z_SYNC_FLUSH: ends on a byte boundary with the stream still open
        var written = (int)buffer.Position;
        deflate.Dispose(); // appends an empty final block past `written`, into the output's slack; it is not sent
        return written;
    }

    public override Stream Decompressor(Stream input) => new GZipStream(input, CompressionMode.Decompress, leaveOpen: true);
}

using System.Collections.Concurrent;

namespace ObservatoryBackup.Compress;

/// <summary>
/// gzip by ISA-L (<see cref="IsalLibrary"/>): deflate at ISA-L's levels 0–3 (<see cref="LevelFor"/>), inflate
/// with the trailer checked by ISA-L. Deflate states (a few hundred KiB of native memory each) are kept
/// for the process and reused by the next block, as many as blocks run at once.
/// </summary>
internal sealed class IsalGzip(IsalLibrary isal) : GzipCodec
{
    private static readonly int MaxIdle = Environment.ProcessorCount + 1;
    private readonly ConcurrentBag<IsalDeflater>[] _idle = [new(), new(), new(), new()];

    public override string Name => "isa-l";

    public override string Description => $"ISA-L ({isal.Name})";

    /// <summary>
    /// gzip's 1–4 onto ISA-L's 0–3: 1 is ISA-L's 0 (static Huffman tables), 2 its 1, 3 its 2, and the
    /// default 4 its 3, its smallest output: on a realistic dump 11% larger than zlib-ng 4's (7% larger
    /// than GNU gzip -4's; no ISA-L level is as small) in under a third of the CPU time (bench/README.md).
    /// Above the default, a level asks for smaller output than ISA-L makes: zlib-ng deflates it (<see cref="WriterFor"/>).
    /// </summary>
    public override int LevelFor(int level) => level switch
    {
        <= 1 => 0,
        2 => 1,
        3 => 2,
        _ => 3,
    };

    /// <summary>ISA-L up to gzip's default level; zlib-ng above it, whose levels 5–9 are smaller than any of ISA-L's.</summary>
    public override GzipCodec WriterFor(int level) => level > Configuration.CompressionLevels.Default(Configuration.BackupCodec.Gzip) ? ZlibNg : this;

    internal override int DeflateBlock(ReadOnlySpan<byte> block, byte[] output, int level, bool final)
    {
        var isalLevel = LevelFor(level);
        var idle = _idle[isalLevel];
        var deflater = idle.TryTake(out var reused) ? reused : new IsalDeflater(isal, isalLevel);
        try
        {
            return deflater.Deflate(block, output, final);
        }
        finally
        {
            if (idle.Count < MaxIdle) idle.Add(deflater);
            else deflater.Dispose();
        }
    }

    public override Stream Decompressor(Stream input) => new IsalGzipReadStream(isal, input, leaveOpen: true);
}

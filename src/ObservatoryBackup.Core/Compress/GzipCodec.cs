namespace ObservatoryBackup.Compress;

/// <summary>
/// The library that deflates and inflates gzip: ISA-L (<see cref="IsalGzip"/>) where <c>libisal.so.2</c>
/// loads, zlib-ng (<see cref="ZlibNgGzip"/>, .NET's own) otherwise. Both write the same format (one gzip
/// member that any gunzip reads) and read any gzip; ISA-L deflates in under a third of zlib-ng's CPU time.
/// The process finds out once which it has (<see cref="Current"/>), and says so in its logs and <c>--version</c>.
/// </summary>
public abstract class GzipCodec
{
    private static readonly Lazy<GzipCodec> Detected = new(() => Detect(IsalLibrary.Names));
    private static readonly AsyncLocal<GzipCodec?> Chosen = new();

    /// <summary>What a run uses: ISA-L when the host has it, else zlib-ng.</summary>
    public static GzipCodec Current => Chosen.Value ?? Detected.Value;

    /// <summary>zlib-ng, which every host has: what a host without ISA-L runs.</summary>
    public static GzipCodec ZlibNg => ZlibNgGzip.Instance;

    /// <summary>ISA-L loaded by the first of <paramref name="libraryNames"/> that loads, else zlib-ng.</summary>
    internal static GzipCodec Detect(IEnumerable<string> libraryNames) =>
        IsalLibrary.TryLoad(libraryNames) is { } isal ? new IsalGzip(isal) : ZlibNgGzip.Instance;

    /// <summary>
    /// Makes <paramref name="codec"/> the <see cref="Current"/> one of the calling flow (and of the tasks it
    /// starts) until disposed: a run that must not use what the host has (the tests of each codec).
    /// </summary>
    internal static IDisposable Use(GzipCodec codec)
    {
        var before = Chosen.Value;
        Chosen.Value = codec;
        return new Restore(() => Chosen.Value = before);
    }

    private sealed class Restore(Action undo) : IDisposable
    {
        public void Dispose() => undo();
    }

    /// <summary>Its short name, as logs carry it: <c>isa-l</c> or <c>zlib-ng</c>.</summary>
    public abstract string Name { get; }

    /// <summary>What it is, for <c>--version</c>: the library and where it came from.</summary>
    public abstract string Description { get; }

    /// <summary>The library's own level for gzip's <paramref name="level"/> (1–9).</summary>
    public abstract int LevelFor(int level);

    /// <summary>
    /// Raw deflate of one block of a gzip member into <paramref name="output"/> (which has room for the
    /// worst case): the last block ends with a final block, any other byte-aligned and not final, so the
    /// blocks join into one deflate stream. Runs on any thread.
    /// </summary>
    /// <param name="level">gzip's level, 1–9.</param>
    /// <returns>The bytes written.</returns>
    internal abstract int DeflateBlock(ReadOnlySpan<byte> block, byte[] output, int level, bool final);

    /// <summary>The data of the gzip stream <paramref name="input"/> (left open); damage throws <see cref="InvalidDataException"/>.</summary>
    public abstract Stream Decompressor(Stream input);
}

using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ZstdSharp;
using ZstdSharp.Unsafe;

namespace ObservatoryBackup.Compress;

/// <summary>The streams for each <see cref="BackupCodec"/>: compressing on every core, and reading back.</summary>
public static class Codecs
{
    /// <summary>What decompressing the codec is called, as its command line tool is: for progress.</summary>
    public static string Decompressing(BackupCodec codec) => codec == BackupCodec.Zstd ? "unzstd" : "gunzip";

    /// <summary>
    /// The library that runs the codec here, as logs name it: <c>isa-l</c> or <c>zlib-ng</c> for gzip (<see cref="GzipCodec.Current"/>;
    /// writing at <paramref name="level"/>, the one that writes it: <see cref="GzipCodec.WriterFor"/>), <c>zstdsharp</c>.
    /// </summary>
    public static string Implementation(BackupCodec codec, int? level = null) =>
        codec == BackupCodec.Zstd ? "zstdsharp" : (level is { } l ? GzipCodec.Current.WriterFor(l) : GzipCodec.Current).Name;

    /// <summary>Why a host's ISA-L was refused for <paramref name="codec"/> and zlib-ng runs instead (<see cref="GzipCodec.Refusal"/>); null otherwise.</summary>
    public static string? Fallback(BackupCodec codec) => codec == BackupCodec.Gzip ? GzipCodec.Current.Refusal : null;

    /// <summary>Warns <c>codec_fallback</c> when <see cref="Fallback"/> says why ISA-L was refused: once for each backup a run writes or reads in <paramref name="codec"/>, however often it reads it.</summary>
    public static void WarnFallback(EventLog log, BackupCodec codec)
    {
        if (Fallback(codec) is { } refused) log.Warning("codec_fallback", ("codec_implementation", Implementation(codec)), ("reason", refused));
    }

    /// <summary>The level the library is given for <paramref name="level"/>: ISA-L has its own scale (<see cref="GzipCodec.LevelFor"/>).</summary>
    public static int ImplementationLevel(BackupCodec codec, int level) => codec == BackupCodec.Zstd ? level : GzipCodec.Current.WriterFor(level).LevelFor(level);

    public static string ContentType(BackupCodec codec) => codec == BackupCodec.Zstd ? "application/zstd" : "application/gzip";

    /// <summary>An age file has no registered media type: opaque bytes.</summary>
    public const string EncryptedContentType = "application/octet-stream";

    /// <summary>A write-only stream compressing into <paramref name="output"/>; disposing it ends the data.</summary>
    public static Stream Compressor(BackupCodec codec, Stream output, int level)
    {
        if (codec == BackupCodec.Gzip) return new ParallelGzipStream(output, level, leaveOpen: true);
        var zstd = new CompressionStream(output, level, leaveOpen: true);
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_nbWorkers, Environment.ProcessorCount);
        // the frame carries a checksum of the content, which reading it back verifies
        zstd.SetParameter(ZSTD_cParameter.ZSTD_c_checksumFlag, 1);
        return zstd;
    }

    /// <summary>A read-only stream of the data in <paramref name="input"/>; a damaged or cut-short input throws <see cref="IsDamaged"/> exceptions.</summary>
    public static Stream Decompressor(BackupCodec codec, Stream input) => codec == BackupCodec.Zstd
        ? new DecompressionStream(input, leaveOpen: true)
        : GzipCodec.Current.Decompressor(input);

    /// <summary>Whether <paramref name="ex"/>, thrown reading a decompressor, means the input is not a whole compressed stream.</summary>
    public static bool IsDamaged(Exception ex) => ex is InvalidDataException or ZstdException or EndOfStreamException;
}

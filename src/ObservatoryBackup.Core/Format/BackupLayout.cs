using ObservatoryBackup.Compress;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Naming;

namespace ObservatoryBackup.Format;

/// <summary>
/// The layers of a backup object, outermost last: the SQL (pg_dump's, then the manifest line) → the
/// codec (gzip, or zstd) → age when encrypted. The object's name says which (<c>.sql.gz</c>,
/// <c>.sql.zst</c>, either then <c>.age</c>): the suffixes are spelled by <see cref="BackupKey"/>, which
/// every listing parses; what they stand for, and how each layer is written and read
/// (<see cref="BackupWriter"/>, <see cref="BackupReader"/>), is this namespace's alone.
/// </summary>
public readonly record struct BackupLayout(BackupCodec Codec, bool Encrypted)
{
    /// <summary>The layers <paramref name="objectName"/> says the object has; a name of no known codec is read as gzip (plain pg_dump | gzip).</summary>
    public static BackupLayout Of(string objectName) => new(BackupKey.CodecOf(objectName), BackupKey.IsEncrypted(objectName));

    /// <summary>The media type the object is stored with.</summary>
    public string ContentType => Encrypted ? Codecs.EncryptedContentType : Codecs.ContentType(Codec);

    /// <summary>The layers as a pipeline, for progress: <c>pg_dump | gzip | age</c>.</summary>
    public string Pipeline(string producer) => $"{producer} | {Codec.ToString().ToLowerInvariant()}{(Encrypted ? " | age" : "")}";
}

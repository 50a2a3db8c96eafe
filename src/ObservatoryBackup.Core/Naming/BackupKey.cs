using ObservatoryBackup.Configuration;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Naming;

/// <summary>
/// The object naming scheme users depend on: <c>postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz</c>, in UTC,
/// under <c>postgres/</c> or the prefix OBS_PREFIX gives
/// (<c>.sql.zst</c> for the opt-in zstd codec; either followed by <c>.age</c> when encrypted with age).
/// DATABASE is the database's name (so the spec's <c>observatory</c> database keeps the spec's names, and
/// backups of two databases sharing a bucket never share a name), with every character other than
/// letters, digits, '_', '-' and '.' percent-encoded as UTF-8.
/// The server's globals (roles, memberships, tablespaces: <c>pg_dumpall --globals-only</c>) are the
/// backup of the empty database name, which no database can have, and their DATABASE is <c>%globals</c>,
/// which no encoding of a name gives (a '%' is always followed by two hex digits): the two kinds never collide.
/// </summary>
public static partial class BackupKey
{
    /// <summary>The spec's prefix, the default of OBS_PREFIX.</summary>
    public const string Prefix = ObjectPrefix.Default;
    public const string Suffix = ".sql.gz";
    public const string ZstdSuffix = ".sql.zst";

    /// <summary>The DATABASE part of a globals backup's name.</summary>
    public const string GlobalsToken = "%globals";

    /// <summary>The database name a globals backup stands for: empty, the one name no database has.</summary>
    public const string Globals = "";

    /// <summary>Follows the codec's suffix on a backup encrypted with age (after compression).</summary>
    public const string EncryptedSuffix = ".age";

    /// <summary>Follows a backup's whole name on its detached signature, the object beside it (what it is: <c>Format/BackupSignature</c>).</summary>
    public const string SignatureSuffix = ".minisig";

    /// <summary>The name of <paramref name="objectName"/>'s signature object.</summary>
    public static string SignatureOf(string objectName) => objectName + SignatureSuffix;

    /// <summary>Whether the name is a backup's signature object, not a backup.</summary>
    public static bool IsSignature(string objectName) => objectName.EndsWith(SignatureSuffix, StringComparison.Ordinal);

    [GeneratedRegex(@"^(?:[^/]+/)+?(\d{4})/(\d{2})/(\d{2})/([A-Za-z0-9_.%-]+)_(\d{8})_(\d{6})\.sql\.(gz|zst)(\.age)?$")]
    private static partial Regex Scheme();

    /// <summary>The object name for a backup of <paramref name="database"/> (<see cref="Globals"/>: the server's globals) started at <paramref name="startedUtc"/>.</summary>
    public static string For(string database, DateTimeOffset startedUtc, BackupCodec codec = BackupCodec.Gzip, bool encrypted = false, string prefix = Prefix)
    {
        var t = startedUtc.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture,
            $"{prefix}{t:yyyy}/{t:MM}/{t:dd}/{(database == Globals ? GlobalsToken : Encode(database))}_{t:yyyyMMdd}_{t:HHmmss}{SuffixOf(codec)}{(encrypted ? EncryptedSuffix : "")}");
    }

    /// <summary>
    /// How metrics label a backup's database: its name, or <see cref="GlobalsToken"/> for the globals (an empty
    /// label is no label). A name starting with '%' has it written <c>%25</c>, so that no database (a database
    /// may be called <c>%globals</c>, and anyone who can write the bucket can name an object for it) shares
    /// a series with the globals or with another database.
    /// </summary>
    public static string MetricsLabel(string database) =>
        database == Globals ? GlobalsToken : database.StartsWith('%') ? "%25" + database[1..] : database;

    /// <summary>What a name's backup holds: the server's globals (roles, memberships, tablespaces) when its DATABASE is <see cref="GlobalsToken"/>, under any prefix; else a database.</summary>
    public static BackupKind KindOf(string objectName) =>
        Scheme().Match(objectName) is { Success: true } m && m.Groups[4].Value == GlobalsToken ? BackupKind.Globals : BackupKind.Database;

    public static string SuffixOf(BackupCodec codec) => codec == BackupCodec.Zstd ? ZstdSuffix : Suffix;

    /// <summary>Whether the name says the backup is encrypted with age: it ends in .sql.gz.age or .sql.zst.age.</summary>
    public static bool IsEncrypted(string objectName) =>
        objectName.EndsWith(Suffix + EncryptedSuffix, StringComparison.Ordinal) || objectName.EndsWith(ZstdSuffix + EncryptedSuffix, StringComparison.Ordinal);

    /// <summary>The codec a name's suffix says: .sql.zst (or .sql.zst.age) is zstd; anything else is read as gzip.</summary>
    public static BackupCodec CodecOf(string objectName) =>
        objectName.EndsWith(ZstdSuffix, StringComparison.Ordinal) || objectName.EndsWith(ZstdSuffix + EncryptedSuffix, StringComparison.Ordinal)
            ? BackupCodec.Zstd : BackupCodec.Gzip;

    /// <summary>The database and UTC time a scheme-conforming name records, or null for any other name.</summary>
    /// <param name="prefix">Where the cluster's backups live (OBS_PREFIX): only a name directly under it parses, not one under a prefix nested in it.</param>
    public static (string Database, DateTimeOffset Timestamp)? TryParse(string objectName, string prefix = Prefix)
    {
        var m = Scheme().Match(objectName);
        return m.Success && objectName.StartsWith(prefix, StringComparison.Ordinal) && m.Groups[1].Index == prefix.Length ? Parse(m) : null;
    }

    private static (string Database, DateTimeOffset Timestamp)? Parse(Match m)
    {
        if (!m.Success) return null;
        if (m.Groups[5].Value != m.Groups[1].Value + m.Groups[2].Value + m.Groups[3].Value) return null;
        if ((m.Groups[4].Value == GlobalsToken ? Globals : Decode(m.Groups[4].Value)) is not { } database) return null;
        return DateTimeOffset.TryParseExact(m.Groups[5].Value + m.Groups[6].Value, "yyyyMMddHHmmss",
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var t)
            ? (database, t)
            : null;
    }

    /// <summary>
    /// Refuses, before any request, a name that a restore must not fetch: outside <paramref name="prefix"/> (<c>postgres/</c> unless OBS_PREFIX says otherwise),
    /// absolute, with <c>..</c> or empty segments, control characters, or not a backup's suffix.
    /// </summary>
    public static void ValidateForRestore(string? objectName, string prefix = Prefix)
    {
        string Why()
        {
            if (string.IsNullOrWhiteSpace(objectName)) return "it is empty";
            if (objectName.StartsWith('/') || objectName.Contains('\\') || objectName.Contains("://", StringComparison.Ordinal))
                return "it is absolute; give the object name inside the bucket";
            if (objectName.Split('/').Any(s => s is ".." or "." or ""))
                return "it contains '.', '..' or an empty path segment";
            if (objectName.Any(char.IsControl)) return "it contains control characters";
            if (!objectName.StartsWith(prefix, StringComparison.Ordinal) ||
                !(objectName.EndsWith(Suffix, StringComparison.Ordinal) || objectName.EndsWith(ZstdSuffix, StringComparison.Ordinal) || IsEncrypted(objectName)))
                return $"backups are named {prefix}YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS{Suffix} (or {ZstdSuffix}, either followed by {EncryptedSuffix} when encrypted)";
            return "";
        }

        var why = Why();
        if (why.Length > 0)
            throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidObjectName, objectName ?? "",
                $"'{objectName}' is not a backup object name: {why}.");
    }

    private static string Encode(string database)
    {
        var sb = new StringBuilder(database.Length);
        foreach (var b in Encoding.UTF8.GetBytes(database))
        {
            if (b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9' or (byte)'_' or (byte)'-' or (byte)'.')
                sb.Append((char)b);
            else
                sb.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    private static string? Decode(string encoded)
    {
        try
        {
            var bytes = new List<byte>(encoded.Length);
            for (var i = 0; i < encoded.Length; i++)
            {
                if (encoded[i] != '%') { bytes.Add((byte)encoded[i]); continue; }
                if (i + 2 >= encoded.Length) return null;
                bytes.Add(byte.Parse(encoded.AsSpan(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                i += 2;
            }
            return new UTF8Encoding(false, throwOnInvalidBytes: true).GetString([.. bytes]);
        }
        catch (Exception ex) when (ex is FormatException or DecoderFallbackException)
        {
            return null;
        }
    }
}

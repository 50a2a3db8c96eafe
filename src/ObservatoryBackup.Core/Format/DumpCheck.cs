using ObservatoryBackup.Configuration;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Format;

/// <summary>
/// The checks that prove a backup's SQL whole, fed its events as they stream past (<see cref="DumpReading"/>:
/// a verification pass, or a restore on its way into psql): CRC-32 and length against the gzip trailer,
/// the size the store lists, pg_dump's closing line outside COPY data, no psql meta-command but
/// pg_dump's own, and the manifest, the last line, against what the SQL carried.
/// </summary>
public sealed class DumpCheck
{
    private readonly Crc32 _crc = new();
    private readonly IncrementalHash _sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _size;

    // After pg_dump's closing line, each line is a candidate for the manifest: kept with the hash and
    // size of the SQL before it. Before that line nothing is kept: a row of data can look like anything.
    // There every event is one line or a part of one (the reader gives them so).
    private bool _afterMarker;
    private bool _atLineStart = true;
    private List<byte>? _line;
    private byte[]? _lineShaBefore;
    private long _lineSizeBefore;
    private (byte[] Line, byte[] ShaBefore, long SizeBefore)? _lastLine;
    private bool _manifestNotLast;

    /// <param name="reader">The reader whose events are fed: it knows rows, meta-commands and the end.</param>
    public DumpCheck(string objectName, PlainDumpReader reader)
    {
        (ObjectName, Reader) = (objectName, reader);
        Globals = reader.Marker == PlainDumpReader.ClusterCompletionMarker ? new GlobalsScript() : null;
    }

    public string ObjectName { get; }

    /// <summary>The reader of the SQL fed so far (statement or COPY data, rows per table).</summary>
    private PlainDumpReader Reader { get; }

    /// <summary>For a globals backup, its statements, each of a form pg_dumpall writes; null for a database's backup.</summary>
    public GlobalsScript? Globals { get; }

    /// <summary>Checks the next event of the SQL.</summary>
    public void Add(in DumpEvent e)
    {
        var sql = e.Bytes.Span;
        _crc.Append(sql);
        Globals?.Read(e);
        if (_afterMarker)
        {
            LastLines(sql);
            return;
        }
        _sha.AppendData(sql);
        _size += sql.Length;
        // the closing line: the lines after it are the dump's last
        _afterMarker = e.Kind == DumpEventKind.CompletionMarker;
    }

    /// <summary>A line after pg_dump's closing line, or a part of one: hashed, and kept as the manifest it may be.</summary>
    private void LastLines(ReadOnlySpan<byte> part)
    {
        if (_atLineStart)
        {
            if (_lastLine is { } previous && DumpManifest.IsManifestLine(previous.Line)) _manifestNotLast = true;
            (_line, _lineShaBefore, _lineSizeBefore) = ([], _sha.GetCurrentHash(), _size);
        }
        if (_line is not null && _line.Count + part.Length <= DumpManifest.MaxLineLength) _line.AddRange(part);
        else _line = null; // no manifest is this long: the line is only SQL
        _sha.AppendData(part);
        _size += part.Length;
        _atLineStart = part.EndsWith("\n"u8);
        if (_atLineStart) EndLine();
    }

    private void EndLine()
    {
        _lastLine = _line is null ? null : ([.. _line], _lineShaBefore!, _lineSizeBefore);
        _line = null;
    }

    /// <summary>Throws as soon as the SQL fed so far holds a forbidden meta-command: before psql is given it.</summary>
    public void ThrowIfUnsafe()
    {
        if (Globals?.Refused is { } refused)
            throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, ObjectName,
                $"Globals backup '{ObjectName}' holds {refused.Why} on line {refused.Line:N0}. A globals restore runs only the statements " +
                "pg_dumpall --globals-only writes (roles, their settings and memberships, privileges on parameters, tablespaces), each matched whole. Nothing was changed.");
        if (Reader.ForbiddenMetaCommand is { } found)
            throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, ObjectName,
                $"Backup '{ObjectName}' holds the psql meta-command '{found.Command}' on line {found.Line:N0}, outside COPY data"
                + (found.StringsTakeBackslashEscapes ? " (where psql reads it when standard_conforming_strings is off, which the dump's own SQL can set)" : "")
                + ". pg_dump writes no meta-command but its own '\\restrict KEY' and '\\unrestrict KEY' lines (a key of letters and digits, nothing else on the line); " +
                "this one could make the restore run commands or leave its target database. Nothing was changed.");
    }

    /// <summary>After the whole object: every check, against what was read of it. Returns what the dump carried.</summary>
    /// <param name="objectBytes">Bytes of the object read.</param>
    /// <param name="expectedSize">The size the store lists.</param>
    /// <param name="compressedBytes">Bytes of the compressed stream (the object's, less age's where encrypted).</param>
    /// <param name="trailer">The compressed stream's last eight bytes.</param>
    /// <param name="codec">gzip is checked against its trailer here; zstd's frame checksum was checked by its reader.</param>
    public DumpSummary Finish(long objectBytes, long expectedSize, long compressedBytes, ReadOnlySpan<byte> trailer, BackupCodec codec = BackupCodec.Gzip)
    {
        if (objectBytes != expectedSize)
            throw Corrupt(ObjectName, $"{objectBytes:N0} bytes arrived where the store lists {expectedSize:N0}");
        if (codec == BackupCodec.Gzip)
        {
            if (compressedBytes < 18)
                throw Corrupt(ObjectName, $"it is {compressedBytes} bytes long, too short to be a gzip file");
            // the trailer of a single-member gzip (what every backup is)
            if (_crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(trailer) ||
                (uint)_size != BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]))
                throw Corrupt(ObjectName, "its data does not match the gzip trailer (truncated or damaged)");
        }
        Globals?.Complete();
        ThrowIfUnsafe();
        if (Reader.OpenCopyTable is { } table)
            throw Corrupt(ObjectName, $"the SQL ends inside the COPY data of {table}, so the dump was cut short");
        if (!Reader.IsComplete)
            throw Corrupt(ObjectName, $"the SQL does not end with {(Reader.Marker == PlainDumpReader.CompletionMarker ? "pg_dump" : "pg_dumpall")}'s '{Reader.Marker}' line, so the dump was cut short");
        return new DumpSummary(_size, Reader.RowsPerTable) { Manifest = CheckManifest(), Globals = Globals?.Statements };
    }

    /// <summary>
    /// The backup's manifest, proven against what the SQL carried: the rows of every table, then the
    /// SHA-256 of everything before the manifest line. Null for a backup without one (older backups,
    /// plain pg_dump | gzip). A manifest anywhere but on the last line is refused: nothing may follow it.
    /// </summary>
    private DumpManifest? CheckManifest()
    {
        if (!_atLineStart)
        {
            if (_lastLine is { } previous && DumpManifest.IsManifestLine(previous.Line)) _manifestNotLast = true;
            EndLine(); // a last line without its newline
        }
        if (_manifestNotLast)
            throw Corrupt(ObjectName, "lines follow its manifest, which a backup writes as its last line");
        if (_lastLine is not { } last || !DumpManifest.IsManifestLine(last.Line))
            return null;
        var manifest = DumpManifest.TryParse(last.Line, out var why)
            ?? throw Corrupt(ObjectName, $"its manifest line cannot be read: {why}");
        foreach (var name in manifest.RowsPerTable.Keys.Union(Reader.RowsPerTable.Keys).Order(StringComparer.Ordinal))
        {
            var recorded = manifest.RowsPerTable.GetValueOrDefault(name, -1);
            var carried = Reader.RowsPerTable.GetValueOrDefault(name, -1);
            if (recorded != carried)
                throw Corrupt(ObjectName, $"table {name} carries {Rows(carried)} where its manifest records {Rows(recorded)}, so the backup was changed after it was taken");
        }
        if (last.SizeBefore != manifest.SqlBytes || !CryptographicOperations.FixedTimeEquals(last.ShaBefore, manifest.Sha256))
            throw Corrupt(ObjectName, "its SQL does not match the SHA-256 its manifest records, so the backup was changed after it was taken");
        return manifest;
    }

    private static string Rows(long n) => n < 0 ? "no COPY block" : $"{n:N0} rows";

    /// <summary>The object does not decompress: a damaged (or truncated, or not) gzip or zstd stream.</summary>
    public static BackupDataException NotAValidStream(string objectName, BackupCodec codec, Exception damage) =>
        Corrupt(objectName, $"it is not a valid {codec.ToString().ToLowerInvariant()} stream ({damage.Message})", damage);

    public static BackupDataException Corrupt(string objectName, string why, Exception? inner = null) =>
        new(ObsErrorKind.InvalidData, ErrorIds.BackupCorrupt, objectName,
            $"Backup '{objectName}' is not a complete backup: {why}. Nothing was changed.", inner);
}

using ObservatoryBackup.Configuration;
using System.Buffers.Binary;
using System.IO.Hashing;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Verify;

/// <summary>
/// The checks that prove a backup whole, fed as its SQL streams past (a verification pass, or a
/// restore on its way into psql): CRC-32 and length against the gzip trailer, the size the store lists,
/// pg_dump's closing line outside COPY data, and no psql meta-command but pg_dump's own.
/// </summary>
public sealed class DumpCheck(string objectName)
{
    private readonly Crc32 _crc = new();
    private long _size;

    public string ObjectName { get; } = objectName;

    /// <summary>The reader of the SQL fed so far (statement or COPY data, rows per table).</summary>
    public PlainDumpReader Reader { get; } = new();

    /// <summary>Feeds the next bytes of SQL.</summary>
    public void Sql(ReadOnlySpan<byte> sql)
    {
        _crc.Append(sql);
        _size += sql.Length;
        Reader.Read(sql);
    }

    /// <summary>Throws as soon as the SQL fed so far holds a forbidden meta-command: before psql is given it.</summary>
    public void ThrowIfUnsafe()
    {
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
            // the trailer of a single-member gzip (what the backup and the replaced script write)
            if (_crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(trailer) ||
                (uint)_size != BinaryPrimitives.ReadUInt32LittleEndian(trailer[4..]))
                throw Corrupt(ObjectName, "its data does not match the gzip trailer (truncated or damaged)");
        }
        Reader.Complete();
        ThrowIfUnsafe();
        if (Reader.OpenCopyTable is { } table)
            throw Corrupt(ObjectName, $"the SQL ends inside the COPY data of {table}, so the dump was cut short");
        if (!Reader.IsComplete)
            throw Corrupt(ObjectName, $"the SQL does not end with pg_dump's '{PlainDumpReader.CompletionMarker}' line, so the dump was cut short");
        return new DumpSummary(_size, Reader.RowsPerTable);
    }

    /// <summary>The object does not decompress: a damaged (or truncated, or not) gzip or zstd stream.</summary>
    public static BackupDataException NotAValidStream(string objectName, BackupCodec codec, Exception damage) =>
        Corrupt(objectName, $"it is not a valid {codec.ToString().ToLowerInvariant()} stream ({damage.Message})", damage);

    public static BackupDataException Corrupt(string objectName, string why, Exception? inner = null) =>
        new(ObsErrorKind.InvalidData, ErrorIds.BackupCorrupt, objectName,
            $"Backup '{objectName}' is not a complete backup: {why}. Nothing was changed.", inner);
}

using System.Buffers.Binary;
using System.IO.Compression;
using System.IO.Hashing;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Verify;

/// <summary>
/// Proves a downloaded backup is whole before anything is dropped: the gzip stream decompresses to
/// its end, its trailer's CRC-32 and length match the data, and the SQL ends with pg_dump's
/// "dump complete" line (so a dump cut short before compression is refused too), and the SQL holds no
/// psql meta-command but pg_dump's own (read by <see cref="PlainDumpReader"/>), so that the restore
/// stays inside its target database.
/// </summary>
public static class BackupVerifier
{
    /// <summary>Verifies the gzip file in <paramref name="file"/> (seekable); returns the uncompressed size.</summary>
    public static async Task<long> VerifyAsync(Stream file, string objectName, CancellationToken ct)
    {
        if (file.Length < 18)
            throw Corrupt(objectName, $"it is {file.Length} bytes long, too short to be a gzip file");

        file.Position = 0;
        var crc = new Crc32();
        long size = 0;
        var completion = new DumpCompletion();
        var reader = new PlainDumpReader();
        var buffer = new byte[1 << 16];
        try
        {
            await using var gzip = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
            int n;
            while ((n = await gzip.ReadAsync(buffer, ct).ConfigureAwait(false)) > 0)
            {
                crc.Append(buffer.AsSpan(0, n));
                size += n;
                completion.Append(buffer.AsSpan(0, n));
                reader.Read(buffer.AsSpan(0, n));
            }
        }
        catch (InvalidDataException ex)
        {
            throw Corrupt(objectName, $"it is not a valid gzip stream ({ex.Message})", ex);
        }

        // The trailer of a single-member gzip (what pg_dump | gzip and the replaced script write).
        var trailer = new byte[8];
        file.Position = file.Length - 8;
        await file.ReadExactlyAsync(trailer, ct).ConfigureAwait(false);
        var expectedCrc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
        var expectedSize = BinaryPrimitives.ReadUInt32LittleEndian(trailer.AsSpan(4));
        if (crc.GetCurrentHashAsUInt32() != expectedCrc || (uint)size != expectedSize)
            throw Corrupt(objectName, "its data does not match the gzip trailer (truncated or damaged)");

        reader.Complete();
        if (reader.ForbiddenMetaCommand is var (line, command))
            throw new BackupDataException(ObsErrorKind.InvalidData, "BackupUnsafe", objectName,
                $"Backup '{objectName}' holds the psql meta-command '{command}' on line {line:N0}, outside COPY data. pg_dump writes none " +
                "but its own \\restrict and \\unrestrict; this one could make the restore leave its target database or run commands. Nothing was changed.");
        if (!completion.IsComplete)
            throw Corrupt(objectName, $"the SQL does not end with pg_dump's '{DumpCompletion.Marker}' line, so the dump was cut short");

        file.Position = 0;
        return size;
    }

    private static BackupDataException Corrupt(string objectName, string why, Exception? inner = null) =>
        new(ObsErrorKind.InvalidData, "BackupCorrupt", objectName,
            $"Backup '{objectName}' is not a complete backup: {why}. Nothing was changed.", inner);
}

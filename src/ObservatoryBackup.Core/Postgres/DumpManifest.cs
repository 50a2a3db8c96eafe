using System.Buffers;
using System.Text;
using System.Text.Json;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// What a backup recorded of its dump as it streamed: the rows of each table's COPY block and the
/// SHA-256 of pg_dump's output. It travels as one SQL comment line after pg_dump's own last line, so
/// <c>gunzip | psql</c> reads past it and the object stays restorable by the plain tools:
/// <code>-- ObservatoryBackup manifest: {"version":1,"sql_bytes":…,"sql_sha256":"…","rows":{"public.t":3}}</code>
/// The hash covers every byte before that line. Anyone who can rewrite the object can rewrite this
/// line too; only encryption (which authenticates it) keeps it from being changed on its own.
/// </summary>
public sealed record DumpManifest(long SqlBytes, byte[] Sha256, IReadOnlyDictionary<string, long> RowsPerTable)
{
    /// <summary>The database's owner, settings and privileges when the backup was taken (a plain dump carries none of them); null in older backups and the globals'.</summary>
    public DatabaseProperties? Database { get; init; }

    public const string LinePrefix = "-- ObservatoryBackup manifest: ";
    internal static readonly byte[] LinePrefixBytes = Encoding.ASCII.GetBytes(LinePrefix);

    /// <summary>A manifest line longer than this is not one of ours (a dump of a million tables stays far under it).</summary>
    public const int MaxLineLength = 64 << 20;

    /// <summary>The comment line, with its newline.</summary>
    public byte[] ToLine()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("version", 1);
            json.WriteNumber("sql_bytes", SqlBytes);
            json.WriteString("sql_sha256", Convert.ToHexStringLower(Sha256));
            json.WriteStartObject("rows");
            foreach (var (table, rows) in RowsPerTable.OrderBy(r => r.Key, StringComparer.Ordinal)) json.WriteNumber(table, rows);
            json.WriteEndObject();
            Database?.Write(json);
            json.WriteEndObject();
        }
        return [.. LinePrefixBytes, .. buffer.WrittenSpan, (byte)'\n'];
    }

    /// <summary>Whether <paramref name="line"/> starts as a manifest line does.</summary>
    public static bool IsManifestLine(ReadOnlySpan<byte> line) => line.StartsWith(LinePrefixBytes);

    /// <summary>The manifest a line holds; null with the reason when it is not a valid one.</summary>
    public static DumpManifest? TryParse(ReadOnlySpan<byte> line, out string why)
    {
        why = "";
        var json = line[LinePrefixBytes.Length..];
        if (json.EndsWith("\n"u8)) json = json[..^1];
        try
        {
            using var doc = JsonDocument.Parse(json.ToArray());
            var root = doc.RootElement;
            if (root.GetProperty("version").GetInt32() != 1)
            {
                why = $"its version {root.GetProperty("version")} is not 1";
                return null;
            }
            var hash = Convert.FromHexString(root.GetProperty("sql_sha256").GetString() ?? "");
            if (hash.Length != 32)
            {
                why = "its sql_sha256 is not 32 bytes";
                return null;
            }
            var rows = new Dictionary<string, long>(StringComparer.Ordinal);
            var total = 0L;
            foreach (var table in root.GetProperty("rows").EnumerateObject())
            {
                // a count below zero, or counts no dump could hold together, are no count (a listing sums them)
                if ((rows[table.Name] = table.Value.GetInt64()) < 0 || (total += rows[table.Name]) < 0)
                {
                    why = $"the rows of {table.Name} are not a count";
                    return null;
                }
            }
            if (root.GetProperty("sql_bytes").GetInt64() < 0)
            {
                why = "its sql_bytes is below zero";
                return null;
            }
            return new DumpManifest(root.GetProperty("sql_bytes").GetInt64(), hash, rows)
            {
                Database = root.TryGetProperty("database", out var database) ? DatabaseProperties.Read(database) : null,
            };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            why = $"it is not the JSON a manifest holds ({ex.Message})";
            return null;
        }
    }
}

using System.Globalization;
using System.Text.Json;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary><c>list --json</c>: the listing as a JSON array, one object per backup, for scripts (jq) rather than eyes.</summary>
internal static class BackupJson
{
    public static void Write(TextWriter output, IReadOnlyList<StoredBackup> backups)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var b in backups)
            {
                json.WriteStartObject();
                json.WriteString("object_name", b.ObjectName);
                json.WriteString("bucket", b.Bucket);
                json.WriteNumber("size", b.Size);
                json.WriteString("last_modified", b.LastModified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                if (b.Timestamp is { } at) json.WriteString("timestamp", at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                else json.WriteNull("timestamp");
                if (b.Database is { } database) json.WriteString("database", database);
                else json.WriteNull("database");
                json.WriteBoolean("encrypted", b.Encrypted);
                json.WriteBoolean("signed", b.Signed);
                json.WriteBoolean("globals", b.Globals);
                json.WriteBoolean("suspect", b.Suspect);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }
}

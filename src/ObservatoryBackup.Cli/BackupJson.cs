using System.Text.Json;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary><c>list --json</c>: the listing as a JSON array, one object per backup, for scripts (jq) rather than eyes.</summary>
internal static class BackupJson
{
    public static void Write(TextWriter output, IReadOnlyList<StoredBackup> backups) => JsonOutput.Write(output, json =>
    {
        json.WriteStartArray();
        foreach (var b in backups) WriteObject(json, b);
        json.WriteEndArray();
    });

    /// <summary>One backup's object, as the listing writes it (and a status names its newest and oldest).</summary>
    public static void WriteObject(Utf8JsonWriter json, StoredBackup b)
    {
        json.WriteStartObject();
        json.WriteString("object_name", b.ObjectName);
        json.WriteString("bucket", b.Bucket);
        json.WriteNumber("size", b.Size);
        json.WriteString("last_modified", JsonOutput.Time(b.LastModified));
        json.StringOrNull("timestamp", b.Timestamp is { } at ? JsonOutput.Time(at) : null);
        json.StringOrNull("database", b.Database);
        json.WriteBoolean("encrypted", b.Encrypted);
        json.WriteBoolean("signed", b.Signed);
        json.WriteBoolean("globals", b.Globals);
        json.WriteBoolean("suspect", b.Suspect);
        json.WriteBoolean("pinned", b.Pinned);
        json.WriteEndObject();
    }
}

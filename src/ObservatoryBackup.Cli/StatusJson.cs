using System.Text.Json;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>status --json</c>: the status as one JSON object (sizes in bytes, ages in seconds), for monitoring scripts.</summary>
internal static class StatusJson
{
    public static void Write(TextWriter output, BackupStatus status) => JsonOutput.Write(output, json => WriteObject(json, status));

    public static void WriteObject(Utf8JsonWriter json, BackupStatus status)
    {
        json.WriteStartObject();
        json.WriteString("bucket", status.Bucket);
        json.StringOrNull("database", status.Database);
        json.WriteBoolean("fresh", status.Fresh);
        json.WriteNumber("count", status.Count);
        json.WriteNumber("total_size", status.TotalSize);
        json.WritePropertyName("newest");
        Backup(json, status.Newest);
        json.NumberOrNull("newest_age_seconds", status.NewestAge?.TotalSeconds);
        json.WritePropertyName("oldest");
        Backup(json, status.Oldest);
        json.NumberOrNull("oldest_age_seconds", status.OldestAge?.TotalSeconds);
        json.WriteNumber("max_age_seconds", status.MaxAge.TotalSeconds);
        json.WriteEndObject();
    }

    private static void Backup(Utf8JsonWriter json, Store.StoredBackup? backup)
    {
        if (backup is null) json.WriteNullValue();
        else BackupJson.WriteObject(json, backup);
    }
}

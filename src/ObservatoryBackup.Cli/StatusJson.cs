using System.Globalization;
using System.Text.Json;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>status --json</c>: a JSON array, one object per database, with the backup_status line's fields, for scripts (jq).</summary>
internal static class StatusJson
{
    public static void Write(TextWriter output, IReadOnlyList<BackupStatus> statuses)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartArray();
            foreach (var s in statuses)
            {
                json.WriteStartObject();
                json.WriteString("bucket", s.Bucket);
                json.WriteString("database", s.Database);
                json.WriteBoolean("globals", s.Globals);
                json.WriteBoolean("fresh", s.Fresh);
                json.WriteNumber("count", s.Count);
                json.WriteNumber("size_bytes", s.TotalSize);
                Name(json, "newest_object_name", s.Newest?.ObjectName);
                Seconds(json, "newest_age_seconds", s.NewestAge);
                Name(json, "oldest_object_name", s.Oldest?.ObjectName);
                Seconds(json, "oldest_age_seconds", s.OldestAge);
                json.WriteNumber("max_age_seconds", s.MaxAge.TotalSeconds);
                json.WriteStartArray("suspect");
                foreach (var suspect in s.Suspect)
                {
                    json.WriteStartObject();
                    json.WriteString("object_name", suspect.ObjectName);
                    json.WriteString("reason", suspect.SuspectReason);
                    json.WriteString("last_modified", suspect.LastModified.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    private static void Name(Utf8JsonWriter json, string property, string? name)
    {
        if (name is null) json.WriteNull(property);
        else json.WriteString(property, name);
    }

    private static void Seconds(Utf8JsonWriter json, string property, TimeSpan? age)
    {
        if (age is { } a) json.WriteNumber(property, Math.Round(a.TotalSeconds, 3));
        else json.WriteNull(property);
    }
}

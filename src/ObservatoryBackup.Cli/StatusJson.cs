using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>status --json</c>: a JSON array, one object per database, with the backup_status line's fields, for scripts (jq).</summary>
internal static class StatusJson
{
    public static void Write(TextWriter output, IReadOnlyList<BackupStatus> statuses) => JsonOutput.Write(output, json =>
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
            json.StringOrNull("newest_object_name", s.Newest?.ObjectName);
            json.NumberOrNull("newest_age_seconds", s.NewestAge?.TotalSeconds);
            json.StringOrNull("oldest_object_name", s.Oldest?.ObjectName);
            json.NumberOrNull("oldest_age_seconds", s.OldestAge?.TotalSeconds);
            json.WriteNumber("max_age_seconds", s.MaxAge.TotalSeconds);
            json.WriteStartArray("suspect");
            foreach (var suspect in s.Suspect)
            {
                json.WriteStartObject();
                json.WriteString("object_name", suspect.ObjectName);
                json.WriteString("reason", suspect.SuspectReason);
                json.WriteString("last_modified", JsonOutput.Time(suspect.LastModified));
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        json.WriteEndArray();
    });
}

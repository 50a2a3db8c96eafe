using ObservatoryBackup.Testing;

namespace ObservatoryBackup.Cli;

/// <summary><c>test --json</c>: the test's result as one JSON object (sizes in bytes, the duration in seconds).</summary>
internal static class TestJson
{
    public static void Write(TextWriter output, BackupTestResult result) => JsonOutput.Write(output, json =>
    {
        json.WriteStartObject();
        json.WriteString("object_name", result.ObjectName);
        json.WriteString("bucket", result.Bucket);
        json.WriteBoolean("passed", result.Passed);
        json.WriteBoolean("verify_only", result.VerifyOnly);
        json.WriteNumber("tables", result.Tables);
        json.WriteNumber("rows", result.Rows);
        json.WriteStartArray("mismatches");
        foreach (var m in result.Mismatches)
        {
            json.WriteStartObject();
            json.WriteString("table", m.Table);
            json.NumberOrNull("in_backup", m.InBackup);
            json.NumberOrNull("restored", m.Restored);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("sql_size", result.SqlSize);
        json.WriteString("manifest", result.Manifest);
        json.WriteBoolean("encrypted", result.Encrypted);
        json.WriteNumber("duration_seconds", Math.Round(result.Duration.TotalSeconds, 3));
        json.StringOrNull("database", result.Database);
        json.WriteBoolean("kept", result.Kept);
        json.WriteEndObject();
    });
}

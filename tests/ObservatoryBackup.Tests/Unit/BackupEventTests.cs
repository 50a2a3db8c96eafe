using System.Text.Json;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Tests.Unit;

[Trait("Tier", "Fast")]
public class BackupEventTests
{
    [Fact]
    public void Writes_the_specs_json_line()
    {
        var e = new BackupEvent(new DateTimeOffset(2026, 2, 16, 2, 0, 5, 120, TimeSpan.Zero), LogLevel.INFO, "backup_finished",
            [new("status", "success"), new("object_name", "postgres/2026/02/16/observatory_20260216_020000.sql.gz")]);
        Assert.Equal(
            """{"timestamp": "2026-02-16T02:00:05Z", "level": "INFO", "event": "backup_finished", "status": "success", "object_name": "postgres/2026/02/16/observatory_20260216_020000.sql.gz"}""",
            e.ToJson());
    }

    [Fact]
    public void Escapes_strings_and_keeps_types()
    {
        var e = new BackupEvent(DateTimeOffset.UnixEpoch, LogLevel.WARNING, "x",
            [new("text", "a \"quoted\", b: c\nd"), new("n", 42L), new("ok", true), new("list", new[] { "p", "q" }), new("none", null)]);
        using var doc = JsonDocument.Parse(e.ToJson());
        var root = doc.RootElement;
        Assert.Equal("a \"quoted\", b: c\nd", root.GetProperty("text").GetString());
        Assert.Equal(42, root.GetProperty("n").GetInt64());
        Assert.True(root.GetProperty("ok").GetBoolean());
        Assert.Equal(2, root.GetProperty("list").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("none").ValueKind);
        Assert.Equal("WARNING", root.GetProperty("level").GetString());
    }
}

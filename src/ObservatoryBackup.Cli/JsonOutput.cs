using System.Globalization;
using System.CommandLine;
using System.Text.Json;

namespace ObservatoryBackup.Cli;

/// <summary>
/// <c>--json</c>, for every command that reports something (list, status, test, contents): the command's
/// result as one JSON document on stdout for scripts and jq, its log lines on stderr, sizes in bytes and
/// durations in seconds.
/// </summary>
internal static class JsonOutput
{
    /// <summary>The option, saying what the document holds (<paramref name="what"/>: "A JSON array of the backups (…)").</summary>
    public static Option<bool> Option(string what) => new("--json") { Description = what + " Instead of the human output; the log lines go to stderr." };

    /// <summary>Writes the document <paramref name="write"/> makes to <paramref name="output"/>, indented, and a newline.</summary>
    public static void Write(TextWriter output, Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
            write(json);
        output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        output.Flush();
    }

    /// <summary>A time as every JSON output of the CLI spells it: UTC, to the second, <c>2026-02-16T02:00:04Z</c>.</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>A string property, or null.</summary>
    public static void StringOrNull(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name);
        else json.WriteString(name, value);
    }

    /// <summary>A number property (seconds, bytes), or null.</summary>
    public static void NumberOrNull(this Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } n) json.WriteNumber(name, Math.Round(n, 3));
        else json.WriteNull(name);
    }
}

using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ObservatoryBackup.Logging;

/// <summary>
/// One structured log event, e.g. <c>backup_finished</c> with <c>status</c> and <c>object_name</c>.
/// <see cref="ToJson"/> gives the JSON line users' log parsers read (docs/MIGRATING.md).
/// </summary>
public sealed class BackupEvent
{
    public BackupEvent(DateTimeOffset timestamp, LogLevel level, string name, IReadOnlyList<KeyValuePair<string, object?>> fields)
    {
        Timestamp = timestamp.ToUniversalTime();
        Level = level;
        Name = name;
        Fields = fields;
    }

    public DateTimeOffset Timestamp { get; }
    public LogLevel Level { get; }

    /// <summary>The event name, e.g. <c>upload_complete</c>.</summary>
    public string Name { get; }

    public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; }

    public object? this[string field] => Fields.FirstOrDefault(f => f.Key == field).Value;

    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary><c>{"timestamp": "…Z", "level": "INFO", "event": "…", …fields}</c> on one line, fields in the order given.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WriteString("timestamp", Timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            w.WriteString("level", Level.ToString());
            w.WriteString("event", Name);
            foreach (var (key, value) in Fields)
            {
                w.WritePropertyName(key);
                WriteValue(w, value);
            }
            w.WriteEndObject();
        }
        // The documented lines use Python's json.dumps spacing: ", " and ": ".
        return Pythonic(Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>
    /// A human line for verbose output and terminals: <c>upload_complete object_name=… size=60.7 MiB</c>, sizes
    /// and durations in human units (<see cref="HumanUnits"/>), without the documented aliases of fields it
    /// already shows (<see cref="EventLog.ScriptFieldNames"/>). <see cref="ToJson"/> keeps the raw numbers.
    /// </summary>
    public override string ToString()
    {
        var sb = new StringBuilder(Name);
        foreach (var (key, value) in Fields)
        {
            if (IsAlias(key)) continue;
            sb.Append(' ').Append(key).Append('=').Append(Human(key, value));
        }
        return sb.ToString();
    }

    private bool IsAlias(string key) =>
        EventLog.ScriptFieldNames.Any(alias => alias.Value == key && Fields.Any(f => f.Key == alias.Key));

    /// <summary>A size (<c>size</c>, <c>bytes</c>, <c>*_size</c>, <c>*_bytes</c>) or a duration (<c>*_seconds</c>, not a timestamp) in human units.</summary>
    private static string Human(string key, object? value)
    {
        var number = value switch { int i => i, long l => l, double d => d, _ => (double?)null };
        if (number is not { } n) return Format(value);
        if (key is "size" or "bytes" || key.EndsWith("_size", StringComparison.Ordinal) || key.EndsWith("_bytes", StringComparison.Ordinal))
            return HumanUnits.Size((long)n);
        if (key.EndsWith("_seconds", StringComparison.Ordinal) && !key.Contains("timestamp", StringComparison.Ordinal))
            return HumanUnits.Duration(TimeSpan.FromSeconds(n));
        return Format(value);
    }

    private static string Format(object? value) => value switch
    {
        null => "null",
        DateTimeOffset t => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable<string> list => "[" + string.Join(", ", list) + "]",
        _ => value.ToString() ?? "",
    };

    private static void WriteValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long l: w.WriteNumberValue(l); break;
            case double d: w.WriteNumberValue(Math.Round(d, 3)); break;
            case DateTimeOffset t: w.WriteStringValue(t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)); break;
            case IEnumerable<string> list:
                w.WriteStartArray();
                foreach (var item in list) w.WriteStringValue(item);
                w.WriteEndArray();
                break;
            default: w.WriteStringValue(Format(value)); break;
        }
    }

    // Adds a space after ':' and ',' outside strings, as json.dumps does by default.
    private static string Pythonic(string compact)
    {
        var sb = new StringBuilder(compact.Length + 32);
        var inString = false;
        for (var i = 0; i < compact.Length; i++)
        {
            var c = compact[i];
            sb.Append(c);
            if (inString)
            {
                if (c == '\\') sb.Append(compact[++i]);
                else if (c == '"') inString = false;
            }
            else if (c == '"') inString = true;
            else if (c is ':' or ',') sb.Append(' ');
        }
        return sb.ToString();
    }
}

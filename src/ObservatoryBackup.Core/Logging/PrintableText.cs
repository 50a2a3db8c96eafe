namespace ObservatoryBackup.Logging;

/// <summary>
/// Text from an untrusted source (a backup's manifest or dump) as a terminal or a log line may show it:
/// its control characters as <c>\u</c> escapes, so a newline or a terminal's escape sequence in a name
/// cannot forge a line or rewrite the screen.
/// </summary>
public static class PrintableText
{
    /// <summary><paramref name="text"/> with each control character written <c>\u001b</c>.</summary>
    public static string Of(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString())) : text;
}

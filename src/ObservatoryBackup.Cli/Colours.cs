namespace ObservatoryBackup.Cli;

/// <summary>The few colours the CLI uses on stderr, only where <see cref="Terminal.Colour"/> allows them.</summary>
internal static class Colours
{
    public static string Error(string text, Terminal terminal) => Paint("31", text, terminal);

    public static string Warning(string text, Terminal terminal) => Paint("33", text, terminal);

    private static string Paint(string code, string text, Terminal terminal) =>
        terminal.Colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
}

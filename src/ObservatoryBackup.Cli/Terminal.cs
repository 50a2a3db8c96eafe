namespace ObservatoryBackup.Cli;

/// <summary>
/// Which of the process's streams are a terminal, and whether colour is wanted there: the CLI speaks to
/// people on a terminal (a progress line, human results) and to machines otherwise (JSON lines).
/// </summary>
/// <param name="Colour">Colour on stderr: a terminal, <c>NO_COLOR</c> unset or empty (no-color.org), and <c>TERM</c> not <c>dumb</c>.</param>
internal sealed record Terminal(bool Input, bool Output, bool Error, bool Colour)
{
    /// <summary>No terminal anywhere: what cron, CI and a pipe see.</summary>
    public static readonly Terminal None = new(false, false, false, false);

    /// <summary>The console of this process; <paramref name="colourRefused"/> is what the environment says of colour (the resolver reads it).</summary>
    public static Terminal FromConsole(bool colourRefused) =>
        new(!Console.IsInputRedirected, !Console.IsOutputRedirected, !Console.IsErrorRedirected, !Console.IsErrorRedirected && !colourRefused);
}

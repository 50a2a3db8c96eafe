using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Cli;

/// <summary>
/// The log for people (<c>--log-format text</c>, the default on a terminal): events as readable lines on
/// stderr, sizes and durations in human units, and on a terminal one progress line redrawn in place.
/// Errors are left to the one line the command ends with (<see cref="Commands.Fail"/>), so a failure is
/// said once.
/// </summary>
/// <param name="showInfo">False where the command's own output says what happened (a listing, a status).</param>
internal sealed class TextLog(TextWriter error, Terminal terminal, bool showInfo) : IBackupLog
{
    private readonly Lock _gate = new();
    private int _progressWidth;

    public void Write(BackupEvent e)
    {
        if (e.Level == LogLevel.ERROR || (e.Level == LogLevel.INFO && !showInfo)) return;
        lock (_gate)
        {
            ClearProgress();
            error.WriteLine(e.Level == LogLevel.WARNING ? Colours.Warning("warning: ", terminal) + e : e.ToString());
            error.Flush();
        }
    }

    public void Progress(TransferProgress progress)
    {
        // a line redrawn with \r is a terminal's; in a file it would be a heap of half lines
        if (!terminal.Error) return;
        lock (_gate)
        {
            if (progress.Completed)
            {
                ClearProgress();
                return;
            }
            var line = $"{progress.Activity}: {progress}";
            var width = Math.Max(20, WindowWidth() - 1);
            if (line.Length > width) line = line[..(width - 1)] + "…";
            // spaces over what a longer line left, rather than an erase escape: a plain \r works everywhere
            error.Write("\r" + line.PadRight(_progressWidth));
            _progressWidth = line.Length;
            error.Flush();
        }
    }

    /// <summary>Removes the progress line before a line of text goes out (and at the end of a transfer).</summary>
    public void ClearProgress()
    {
        lock (_gate)
        {
            if (_progressWidth == 0) return;
            error.Write("\r" + new string(' ', _progressWidth) + "\r");
            _progressWidth = 0;
        }
    }

    private static int WindowWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (Exception ex) when (ex is IOException or PlatformNotSupportedException or InvalidOperationException)
        {
            return 80;
        }
    }
}

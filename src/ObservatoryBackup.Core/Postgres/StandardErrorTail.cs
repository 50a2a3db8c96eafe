using System.Text;
using CliWrap;

namespace ObservatoryBackup.Postgres;

/// <summary>Keeps the last few KiB of a process's stderr: enough for the error, bounded whatever it prints.</summary>
public sealed class StandardErrorTail
{
    private const int Limit = 16 * 1024;
    private readonly StringBuilder _text = new();

    public PipeTarget Target => PipeTarget.ToDelegate(line =>
    {
        lock (_text)
        {
            _text.AppendLine(line);
            if (_text.Length > Limit) _text.Remove(0, _text.Length - Limit);
        }
    });

    public override string ToString()
    {
        lock (_text) return _text.ToString();
    }
}

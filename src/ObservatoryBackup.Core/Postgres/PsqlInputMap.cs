using System.Globalization;
using System.Text.RegularExpressions;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// What each stretch of the lines handed to one psql was (a dump entry, a table's rows), so that psql's
/// <c>psql:&lt;stdin&gt;:N:</c> (under <c>--file=-</c>: a line of its own input, no line of the dump) can be
/// named for what it was. psql cannot have fallen further behind what it was given than the queues and
/// pipe in front of it hold, so only the marks of the last stretch of input are kept (and the one before
/// it, which the oldest line there belongs to): memory does not grow with the schema.
/// </summary>
internal sealed partial class PsqlInputMap
{
    /// <summary>Input kept named beyond <see cref="Behind"/> times the largest piece given (a queue of pieces, a pipe, psql's own buffer).</summary>
    private const long Slack = 4L << 20;

    private const int Behind = 8;

    /// <summary>Marks kept at most: a dump of many tiny entries behind one large one cannot grow the map with them.</summary>
    internal const int MaxMarks = 4096;

    private readonly LinkedList<(long FirstLine, long Offset, string What)> _marks = new();
    private long _lines, _bytes, _largest;

    /// <summary>The marks kept.</summary>
    internal int Marks => _marks.Count;

    /// <summary>Says what the input handed over next is (names from the dump in it are shown with their control characters escaped).</summary>
    public void Mark(string what)
    {
        what = PrintableText.Of(what);
        if (_marks.Last is { Value.FirstLine: var line } last && line == _lines + 1) last.Value = (line, _bytes, what);
        else _marks.AddLast((_lines + 1, _bytes, what));
        var keepFrom = _bytes - Slack - Behind * _largest;
        while (_marks.First?.Next is { Value.Offset: var next } && next < keepFrom || _marks.Count > MaxMarks) _marks.RemoveFirst();
    }

    /// <summary>Counts what is handed to psql (before it can read it).</summary>
    public void Given(ReadOnlySpan<byte> input)
    {
        _lines += input.Count((byte)'\n');
        _bytes += input.Length;
        _largest = Math.Max(_largest, input.Length);
    }

    [GeneratedRegex(@"^psql:<stdin>:(\d+): ", RegexOptions.Multiline)]
    private static partial Regex StdinLine();

    /// <summary>psql's stderr with each <c>psql:&lt;stdin&gt;:N:</c> replaced by what that line was.</summary>
    public string Explain(string standardError) => StdinLine().Replace(standardError, m =>
    {
        var line = long.Parse(m.Groups[1].ValueSpan, CultureInfo.InvariantCulture);
        var what = _marks.LastOrDefault(x => x.FirstLine <= line).What;
        return what is null ? "psql: " : $"psql, in {what}: ";
    });
}

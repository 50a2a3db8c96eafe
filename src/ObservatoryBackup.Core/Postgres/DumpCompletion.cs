using System.Text;

namespace ObservatoryBackup.Postgres;

/// <summary>
/// Whether a plain-format dump ran to its end: pg_dump's last lines are
/// <c>-- PostgreSQL database dump complete</c> (then, since 2025's releases, <c>\unrestrict …</c>).
/// Keeps only the last few KiB of the stream, so it checks any size of dump in passing.
/// </summary>
public sealed class DumpCompletion
{
    public const string Marker = "-- PostgreSQL database dump complete";
    private const int TailBytes = 4096;
    private readonly byte[] _tail = new byte[TailBytes];
    private int _length;

    /// <summary>Feeds the next bytes of the dump.</summary>
    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length >= _tail.Length)
        {
            chunk[^_tail.Length..].CopyTo(_tail);
            _length = _tail.Length;
            return;
        }
        var keep = Math.Min(_length, _tail.Length - chunk.Length);
        Array.Copy(_tail, _length - keep, _tail, 0, keep);
        chunk.CopyTo(_tail.AsSpan(keep));
        _length = keep + chunk.Length;
    }

    /// <summary>True when the bytes fed so far end with pg_dump's completion line.</summary>
    public bool IsComplete => Encoding.UTF8.GetString(_tail, 0, _length).Contains(Marker, StringComparison.Ordinal);
}

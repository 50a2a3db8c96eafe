using ObservatoryBackup.Format;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Streams;

namespace ObservatoryBackup.Restore;

/// <summary>
/// Where a dump's events pass on to psql. Every event is checked as it is read (<see cref="DumpReading"/>),
/// and the gate closes at the first that holds a forbidden psql meta-command, before psql is given it.
/// psql is first given <c>\restrict</c> with a key of our own, so that psql itself refuses any
/// meta-command that got past the check; the dump's own <c>\restrict</c>/<c>\unrestrict</c> lines
/// (checked to be exactly pg_dump's) are therefore left out.
/// With <c>noTablespaces</c> it leaves out the <c>SET default_tablespace = …;</c> lines with which pg_dump
/// puts objects in tablespaces (a server without them would refuse the objects), so every object lands
/// in the database's default tablespace.
/// With <c>noOwner</c> it also leaves ownership and privileges out:
/// the statement lines pg_dump writes for them (<c>ALTER … OWNER TO …;</c>, <c>GRANT …;</c>,
/// <c>REVOKE …;</c>, <c>ALTER DEFAULT PRIVILEGES …;</c>), each on a line of its own. Lines inside
/// COPY data, strings or comments are never dropped, so data that looks like a GRANT passes byte for byte.
/// </summary>
internal sealed class DumpGate
{
    private readonly DumpReading _reading;
    private readonly bool _noOwner;
    private readonly bool _noTablespaces;
    private readonly byte[] _restrict;
    private bool _restrictGiven;

    /// <param name="restrictKey">psql's <c>\restrict</c> key for this load: letters and digits nobody else knows.</param>
    public DumpGate(DumpReading reading, bool noOwner, string restrictKey, bool noTablespaces = false)
    {
        (_reading, _noOwner, _noTablespaces) = (reading, noOwner, noTablespaces);
        _restrict = System.Text.Encoding.ASCII.GetBytes($"\\restrict {restrictKey}\n");
    }

    /// <summary>Statement lines left out so far (ownership, privileges, tablespaces).</summary>
    public long Dropped { get; private set; }

    /// <summary>Why the gate closed, when it did (a refused line, or the stream failing): psql then only saw what came before.</summary>
    public Exception? Failure { get; private set; }

    /// <summary>The next event psql is given; null at the end of the dump.</summary>
    public async ValueTask<DumpEvent?> NextAsync(CancellationToken ct)
    {
        if (!_restrictGiven)
        {
            _restrictGiven = true;
            return new DumpEvent(DumpEventKind.MetaCommand, _restrict, AtStatement: true);
        }
        try
        {
            while (await _reading.NextAsync(ct).ConfigureAwait(false) is { } e)
            {
                _reading.Check.ThrowIfUnsafe();
                if (e.Kind == DumpEventKind.MetaCommand) continue;
                if (e.Kind == DumpEventKind.Statement && e.AtStatement && LeftOut(e.Line))
                {
                    Dropped++;
                    continue;
                }
                return e;
            }
            return null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Failure ??= ex;
            throw;
        }
    }

    /// <summary>What passes, as the bytes one psql reads.</summary>
    public Stream Sql() => new PassedSql(this);

    private bool LeftOut(ReadOnlySpan<byte> line) => _noOwner && IsOwnershipStatement(line) || _noTablespaces && IsTablespaceStatement(line);

    private static bool IsTablespaceStatement(ReadOnlySpan<byte> line) =>
        line.StartsWith("SET default_tablespace = "u8) && line.TrimEnd("\r"u8).EndsWith(";"u8);

    private static bool IsOwnershipStatement(ReadOnlySpan<byte> line) =>
        line.TrimEnd("\r"u8).EndsWith(";"u8) &&
        (line.StartsWith("GRANT "u8) || line.StartsWith("REVOKE "u8) || line.StartsWith("ALTER DEFAULT PRIVILEGES "u8) ||
         line.StartsWith("ALTER "u8) && line.IndexOf(" OWNER TO "u8) > 0);

    /// <summary>The events that pass, as bytes: as many as the reader's buffer holds of those already read, so psql gets few large writes.</summary>
    private sealed class PassedSql(DumpGate gate) : ReadOnlyStream
    {
        private ReadOnlyMemory<byte> _pending;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default)
        {
            var n = 0;
            while (n < buffer.Length)
            {
                if (_pending.IsEmpty)
                {
                    // after the first bytes, only what needs no read of the stream: psql is not kept waiting
                    if (n > 0 && !(gate._restrictGiven && gate._reading.HasBuffered)) break;
                    if (await gate.NextAsync(ct).ConfigureAwait(false) is not { } e) break;
                    _pending = e.Bytes;
                    continue;
                }
                var take = Math.Min(buffer.Length - n, _pending.Length);
                _pending[..take].CopyTo(buffer[n..]);
                _pending = _pending[take..];
                n += take;
            }
            return n;
        }
    }
}

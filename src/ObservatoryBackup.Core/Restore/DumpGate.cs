using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
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
/// With <c>holdBack</c> (a load as a <see cref="LoadRole"/>), those statements are held instead, each
/// matched whole against pg_dump's shape (<see cref="PrivilegeStatement"/>; any other is <c>BackupUnsafe</c>),
/// for the connecting user to apply after the load (<see cref="Held"/>); and statements pg_dump never writes
/// in a database's dump that reach beyond it (roles, other databases, server settings) are refused.
/// With a <see cref="RestorePart"/>, the dump's events pass <see cref="PartFilter"/> first; what it leaves
/// out is refused as it would be if it passed, so a part is restored only from a backup the whole of which could be.
/// </summary>
internal sealed class DumpGate
{
    private readonly DumpReading _reading;
    private readonly IDumpEvents _source;
    private readonly bool _noOwner;
    private readonly bool _noTablespaces;
    private readonly byte[] _restrict;
    private readonly bool _holdBack;
    private readonly Func<PrefixStatement, CancellationToken, Task>? _applyPrefix;
    private bool _inPrefix;
    private readonly List<(string Sql, long Line)> _held = [];
    private long _heldBytes;
    private bool _restrictGiven;

    /// <summary>More held statements than this (no schema has them) make the backup refused: they are kept in memory until the load ends.</summary>
    public const long MaxHeldBytes = 256L << 20;

    /// <param name="restrictKey">psql's <c>\restrict</c> key for this load: letters and digits nobody else knows.</param>
    /// <param name="applyPrefix">With <paramref name="holdBack"/>: applies the schemas and extensions of the dump's prefix at their place, as the connecting user (<see cref="PrefixStatement"/>); null in a verification pass, which only takes them out.</param>
    /// <param name="part">The part of the dump that passes; null: all of it.</param>
    public DumpGate(DumpReading reading, bool noOwner, string restrictKey, bool noTablespaces = false, bool holdBack = false,
        Func<PrefixStatement, CancellationToken, Task>? applyPrefix = null, RestorePart? part = null)
    {
        (_reading, _noOwner, _noTablespaces, _holdBack, _applyPrefix, _inPrefix) = (reading, noOwner, noTablespaces, holdBack, applyPrefix, holdBack);
        _restrict = System.Text.Encoding.ASCII.GetBytes($"\\restrict {restrictKey}\n");
        Part = part is null ? null : new PartFilter(reading, part, Screen);
        _source = Part ?? (IDumpEvents)reading;
    }

    /// <summary>The part filter the events pass first; null when the whole dump passes.</summary>
    public PartFilter? Part { get; }

    /// <summary>Statement lines left out so far (ownership, privileges, tablespaces).</summary>
    public long Dropped { get; private set; }

    /// <summary>The ownership and privilege statements held back, checked, in dump order (with <c>holdBack</c>).</summary>
    public IReadOnlyList<(string Sql, long Line)> Held => _held;

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
            while (await _source.NextAsync(ct).ConfigureAwait(false) is { } e)
            {
                _reading.Check.ThrowIfUnsafe();
                if (e.Kind == DumpEventKind.MetaCommand) continue;
                if (e.Kind == DumpEventKind.Statement && e.AtStatement)
                {
                    if (_inPrefix && await FromPrefixAsync(e, ct).ConfigureAwait(false)) continue;
                    if (LeftOut(e.Line))
                    {
                        Dropped++;
                        continue;
                    }
                    if (_holdBack && Hold(e)) continue;
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

    /// <summary>
    /// In the dump's prefix (its settings, schemas and extensions, before any other object): a schema or
    /// extension statement is applied here instead of by psql; true when it was. The first statement of
    /// another kind ends the prefix: an extension after it is the load role's to create, or not.
    /// </summary>
    private async ValueTask<bool> FromPrefixAsync(DumpEvent e, CancellationToken ct)
    {
        var line = System.Text.Encoding.UTF8.GetString(e.Line.TrimEnd("\r"u8));
        if (e.EndsStatement && PrefixStatement.TryParse(line) is { } statement)
        {
            if (_applyPrefix is not null) await _applyPrefix(statement, ct).ConfigureAwait(false);
            return true;
        }
        _inPrefix = PrefixStatement.KeepsPrefix(line);
        return false;
    }

    /// <summary>What passes, as the bytes one psql reads; <paramref name="bytesOf"/> gives an event's bytes when it rewrites some (<see cref="FreshTables.InOrder"/>).</summary>
    public Stream Sql(Func<DumpEvent, ReadOnlyMemory<byte>>? bytesOf = null) => new PassedSql(this, bytesOf);

    private bool LeftOut(ReadOnlySpan<byte> line) => _noOwner && IsOwnershipStatement(line) || _noTablespaces && IsTablespaceStatement(line);

    // what pg_dump never writes in a database's dump, and reaches beyond the database: refused by name, before PostgreSQL would refuse it too
    private static readonly string[] Refused =
        ["ALTER DATABASE ", "ALTER SYSTEM ", "ALTER ROLE ", "ALTER USER ", "CREATE ROLE ", "CREATE USER ", "DROP DATABASE ", "DROP ROLE ", "SET ROLE ", "RESET ROLE"];

    private static readonly byte[][] RefusedBytes = [.. Refused.Select(System.Text.Encoding.ASCII.GetBytes)];

    /// <summary>Holds an ownership or privilege statement back, checked; refuses what no dump of one database holds; false for the rest.</summary>
    private bool Hold(in DumpEvent e)
    {
        if (Checked(e) is not { } held) return false;
        var line = e.Line.TrimEnd("\r"u8);
        if ((_heldBytes += line.Length) > MaxHeldBytes && held.Privilege) throw Unsafe(line, $"more than {MaxHeldBytes >> 20} MiB of ownership and privilege statements");
        _held.Add((held.Sql, 0));
        return true;
    }

    /// <summary>
    /// What the line's statement is held back as, checked, or null for a statement psql runs as the load role;
    /// refuses what no dump of one database holds. Held: a publication only a superuser may create
    /// (<see cref="PublicationStatement"/>), rebuilt from its parts; an ownership or privilege statement
    /// (<see cref="PrivilegeStatement"/>), matched whole against pg_dump's shape.
    /// </summary>
    private (string Sql, bool Privilege)? Checked(in DumpEvent e)
    {
        var line = e.Line.TrimEnd("\r"u8);
        RefuseBeyond(line);
        if (!e.EndsStatement) return null;
        if (line.StartsWith("CREATE PUBLICATION "u8) || line.StartsWith("ALTER PUBLICATION "u8))
        {
            var text = System.Text.Encoding.UTF8.GetString(line);
            if (PublicationStatement.IsHeld(text)) return (PublicationStatement.Rebuild(text) ?? throw Unsafe(line, "a publication not of pg_dump's form"), false);
        }
        if (!PrivilegeStatement.IsHeld(line)) return null;
        var sql = System.Text.Encoding.UTF8.GetString(line);
        return PrivilegeStatement.Refusal(sql) is { } why ? throw Unsafe(line, why) : (sql, true);
    }

    /// <summary>Refuses a statement that reaches beyond the database: pg_dump never writes one in a database's dump.</summary>
    private void RefuseBeyond(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[0] is (byte)'A' or (byte)'C' or (byte)'D' or (byte)'S' or (byte)'R')
            foreach (var refused in RefusedBytes)
                if (line.StartsWith(refused))
                    throw Unsafe(line, $"'{System.Text.Encoding.ASCII.GetString(refused).Trim()}', which pg_dump never writes in a database's dump");
    }

    /// <summary>A statement the part leaves out, checked as if it passed (with <c>holdBack</c>): a backup the gate refuses whole is refused in part too.</summary>
    private void Screen(DumpEvent e)
    {
        if (_holdBack) Checked(e);
    }

    private BackupDataException Unsafe(ReadOnlySpan<byte> line, string what)
    {
        var text = System.Text.Encoding.UTF8.GetString(line[..Math.Min(line.Length, 160)]);
        return new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, _reading.Check.ObjectName,
            $"Backup '{_reading.Check.ObjectName}' holds {what}: \"{text}{(line.Length > 160 ? "…" : "")}\". A restore applies a dump's owners and privileges itself, " +
            "only in the forms pg_dump writes, and nothing that reaches beyond the database it loads.");
    }

    private static bool IsTablespaceStatement(ReadOnlySpan<byte> line) =>
        line.StartsWith("SET default_tablespace = "u8) && line.TrimEnd("\r"u8).EndsWith(";"u8);

    private static bool IsOwnershipStatement(ReadOnlySpan<byte> line) =>
        line.TrimEnd("\r"u8).EndsWith(";"u8) && PrivilegeStatement.IsHeld(line);

    /// <summary>The events that pass, as bytes: as many as the reader's buffer holds of those already read, so psql gets few large writes.</summary>
    private sealed class PassedSql(DumpGate gate, Func<DumpEvent, ReadOnlyMemory<byte>>? bytesOf) : ReadOnlyStream
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
                    if (n > 0 && !(gate._restrictGiven && gate._source.HasBuffered)) break;
                    if (await gate.NextAsync(ct).ConfigureAwait(false) is not { } e) break;
                    _pending = bytesOf is null ? e.Bytes : bytesOf(e);
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

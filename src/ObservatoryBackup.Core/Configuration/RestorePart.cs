using ObservatoryBackup.Errors;

namespace ObservatoryBackup.Configuration;

/// <summary>
/// The part of a backup a restore loads: tables (with what is theirs: their sequences, indexes,
/// constraints, triggers, rules, policies, comments and grants) and whole schemas, named as pg_dump's
/// <c>-t</c> and <c>-n</c> take them (<see cref="NamePattern"/>). A table pattern without a schema matches
/// that name in every schema, as pg_restore's <c>-t</c> does. Every pattern must match something in the
/// backup, or the restore fails and changes nothing.
/// </summary>
public sealed record RestorePart(IReadOnlyList<NamePattern> Tables, IReadOnlyList<NamePattern> Schemas)
{
    /// <summary>What the part is, for a confirmation: <c>table public.t, schema research</c>.</summary>
    public override string ToString() => string.Join(", ", [.. Tables.Select(t => $"table {t.Text}"), .. Schemas.Select(s => $"schema {s.Text}")]);

    /// <summary>The part <paramref name="tables"/> and <paramref name="schemas"/> name; null when they name none (the whole backup).</summary>
    public static RestorePart? Parse(IReadOnlyList<string>? tables, IReadOnlyList<string>? schemas)
    {
        if ((tables?.Count ?? 0) + (schemas?.Count ?? 0) == 0) return null;
        return new RestorePart(Read(Setting.RestoreTable, tables, 2), Read(Setting.RestoreSchema, schemas, 1));
    }

    private static NamePattern[] Read(Setting setting, IReadOnlyList<string>? given, int parts) =>
    [
        .. (given ?? []).Select(text => NamePattern.TryParse(text, parts, out var why)
            ?? throw new ConfigurationException(setting, null, $"takes names as pg_dump's {(parts == 1 ? "-n" : "-t")} does ({(parts == 1 ? "schema" : "schema.table or table")}, * and ? wildcards, double quotes for a name as it is); '{text}' is not one: {why}.")),
    ];
}

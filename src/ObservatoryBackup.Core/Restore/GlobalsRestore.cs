using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>What a globals restore did: the roles and tablespaces it created, and the existing roles it left as they were.</summary>
public sealed record GlobalsOutcome(IReadOnlyList<string> RolesCreated, IReadOnlyList<string> RolesLeft, IReadOnlyList<string> TablespacesCreated);

/// <summary>
/// Applies a verified globals backup (<see cref="GlobalsScript"/>'s statements, never psql) to a server:
/// creates the roles, memberships, privileges on parameters and tablespaces it lacks, and leaves what
/// already exists as it is unless <see cref="UpdateExistingRoles"/>. A role that existed before the
/// restore gains no attribute, password, setting, comment, privilege or membership (a GRANT naming it as
/// the member is left out, whatever role it grants); a new role may become a member of an existing one.
/// No role gains privileged rights (<see cref="AllowPrivilegedRoles"/>) unless allowed: a backup that
/// would give them is refused before anything changes. Everything but tablespaces runs in one
/// transaction, so a failure changes no role; CREATE TABLESPACE cannot run in a transaction and comes
/// after, each on its own. The log names every role changed and how (<c>role_changed</c>), and every
/// existing role something was left out for (<c>role_left</c>).
/// </summary>
public sealed class GlobalsRestore(EventLog log)
{
    /// <summary>Also apply the backup's attributes, settings, memberships and comments to roles and tablespaces that exist already.</summary>
    public bool UpdateExistingRoles { get; init; }

    /// <summary>
    /// Let the backup give a role privileged rights: SUPERUSER, CREATEROLE, REPLICATION or BYPASSRLS; membership
    /// in a built-in pg_ role (reading server files, running programs...) or in a role that holds such rights;
    /// a privilege on a parameter. Without it, a backup that would give any (to a new role, or with
    /// <see cref="UpdateExistingRoles"/> to an existing one that lacks it) is refused whole.
    /// </summary>
    public bool AllowPrivilegedRoles { get; init; }

    /// <summary>Leave the backup's tablespaces out (a server whose disks do not have their directories).</summary>
    public bool NoTablespaces { get; init; }

    // one change to a role (null: PUBLIC) that a statement makes, or would have made
    private sealed record Change(string? Role, string What, long Line);

    public async Task<GlobalsOutcome> ApplyAsync(DatabaseAdmin admin, string objectName, IReadOnlyList<GlobalsStatement> statements, CancellationToken ct)
    {
        // what existed before this restore: a role it creates gets the rest of its statements
        var roles = (await admin.RolesAsync(ct).ConfigureAwait(false)).ToDictionary(r => r.Name, StringComparer.Ordinal);
        var tablespaces = (await admin.TablespaceNamesAsync(ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        bool Exists(string? role) => role is null || roles.ContainsKey(role); // PUBLIC: every role

        var roleStatements = new List<(string, long)>();
        var tablespaceStatements = new List<(string, long)>();
        var created = new List<string>();
        var left = new List<string>();
        var applied = new List<Change>();
        var leftOut = new List<Change>();
        var privileged = new List<string>();
        var createdTablespaces = new List<string>();
        void Apply(GlobalsStatement s, string? role)
        {
            roleStatements.Add((s.Sql, s.Line));
            applied.Add(new(role, s.What, s.Line));
        }
        void Leave(GlobalsStatement s, string? role)
        {
            if (role is not null && !left.Contains(role)) left.Add(role);
            if (s.Kind != GlobalsStatementKind.CreateRole) leftOut.Add(new(role, s.What, s.Line));
        }

        foreach (var s in statements)
        {
            switch (s.Kind)
            {
                case GlobalsStatementKind.CreateRole when roles.ContainsKey(s.Role!):
                    if (!UpdateExistingRoles) Leave(s, s.Role);
                    break;
                case GlobalsStatementKind.CreateRole:
                    created.Add(s.Role!);
                    Apply(s, s.Role);
                    break;
                case GlobalsStatementKind.RoleAttributes or GlobalsStatementKind.RoleSetting or GlobalsStatementKind.RoleComment or GlobalsStatementKind.ParameterPrivilege:
                    if (Exists(s.Role) && !UpdateExistingRoles)
                    {
                        Leave(s, s.Role);
                        break;
                    }
                    var has = s.Role is not null && roles.TryGetValue(s.Role, out var role) ? role.Attributes : new HashSet<string>();
                    privileged.AddRange(s.Privileges.Where(p => !has.Contains(p)).Select(p => $"{p} to {Named(s.Role)} (line {s.Line:N0})"));
                    Apply(s, s.Role);
                    break;
                case GlobalsStatementKind.Membership:
                    // the member gains what the role may do: an existing member only when asked
                    if (Exists(s.Member) && !UpdateExistingRoles)
                    {
                        Leave(s, s.Member);
                        break;
                    }
                    var granted = roles.GetValueOrDefault(s.Role!);
                    if ((s.Role!.StartsWith("pg_", StringComparison.Ordinal) || granted is { Privileged: true })
                        && !(roles.TryGetValue(s.Member!, out var member) && member.MemberOf.Contains(s.Role)))
                        privileged.Add($"membership in {Named(s.Role)}, which holds privileged rights, to {Named(s.Member)} (line {s.Line:N0})");
                    Apply(s, s.Member);
                    break;
                case GlobalsStatementKind.CreateTablespace when !NoTablespaces && !tablespaces.Contains(s.Tablespace!):
                    createdTablespaces.Add(s.Tablespace!);
                    tablespaceStatements.Add((s.Sql, s.Line));
                    break;
                case GlobalsStatementKind.TablespaceProperty when !NoTablespaces && (!tablespaces.Contains(s.Tablespace!) || UpdateExistingRoles):
                    tablespaceStatements.Add((s.Sql, s.Line));
                    break;
            }
        }
        if (privileged.Count > 0 && !AllowPrivilegedRoles)
            throw new BackupDataException(ObsErrorKind.InvalidData, ErrorIds.BackupUnsafe, objectName,
                $"Globals backup '{objectName}' would give {string.Join("; ", privileged.Take(5))}{(privileged.Count > 5 ? $"; and {privileged.Count - 5:N0} more" : "")}. " +
                "A globals restore gives no role SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS, membership in a built-in pg_ role or in a role holding such rights, " +
                "or a privilege on a parameter, unless privileged roles are allowed (AllowPrivilegedRoles): allow them only for a backup you trust. Nothing was changed.");

        log.Info("globals_apply", ("object_name", objectName), ("statements", roleStatements.Count + tablespaceStatements.Count),
            ("roles_to_create", created.ToArray()), ("roles_left", left.ToArray()), ("tablespaces_to_create", createdTablespaces.ToArray()));
        await admin.RunStatementsAsync(roleStatements, atomic: true, $"globals backup '{objectName}' (no role was changed)", ct).ConfigureAwait(false);
        foreach (var role in applied.GroupBy(c => c.Role))
            log.Info("role_changed", ("role", role.Key ?? "PUBLIC"), ("existing", Exists(role.Key)), ("changes", role.Select(c => c.What).ToArray()));
        foreach (var role in leftOut.GroupBy(c => c.Role))
            log.Info("role_left", ("role", role.Key ?? "PUBLIC"), ("left_out", role.Select(c => $"{c.What} (line {c.Line:N0})").ToArray()));
        await admin.RunStatementsAsync(tablespaceStatements, atomic: false,
            $"globals backup '{objectName}' (its roles were restored; of its tablespaces, those before this one were created)", ct).ConfigureAwait(false);
        return new GlobalsOutcome(created, left, createdTablespaces);
    }

    private static string Named(string? role) => role is null ? "PUBLIC" : $"role {SqlIdentifier.Quote(role)}";
}

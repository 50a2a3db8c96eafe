using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Restore;

/// <summary>What a globals restore did: the roles and tablespaces it created, and the existing roles it left as they were.</summary>
public sealed record GlobalsOutcome(IReadOnlyList<string> RolesCreated, IReadOnlyList<string> RolesLeft, IReadOnlyList<string> TablespacesCreated);

/// <summary>
/// Applies a verified globals backup (<see cref="GlobalsScript"/>'s statements, never psql) to a server:
/// creates the roles, memberships, privileges on parameters and tablespaces it lacks, and leaves what
/// already exists as it is unless <see cref="UpdateExistingRoles"/>. Everything but tablespaces runs in
/// one transaction, so a failure changes no role; CREATE TABLESPACE cannot run in a transaction and
/// comes after, each on its own.
/// </summary>
public sealed class GlobalsRestore(EventLog log)
{
    /// <summary>Also apply the backup's attributes, settings, memberships and comments to roles and tablespaces that exist already.</summary>
    public bool UpdateExistingRoles { get; init; }

    /// <summary>Leave the backup's tablespaces out (a server whose disks do not have their directories).</summary>
    public bool NoTablespaces { get; init; }

    public async Task<GlobalsOutcome> ApplyAsync(DatabaseAdmin admin, string objectName, IReadOnlyList<GlobalsStatement> statements, CancellationToken ct)
    {
        // what existed before this restore: a role it creates gets the rest of its statements
        var roles = (await admin.RoleNamesAsync(ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var tablespaces = (await admin.TablespaceNamesAsync(ct).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        bool Leave(string? role) => role is null || roles.Contains(role) && !UpdateExistingRoles;

        var roleStatements = new List<(string, long)>();
        var tablespaceStatements = new List<(string, long)>();
        var created = new List<string>();
        var left = new List<string>();
        var createdTablespaces = new List<string>();
        foreach (var s in statements)
        {
            switch (s.Kind)
            {
                case GlobalsStatementKind.CreateRole when roles.Contains(s.Role!):
                    if (!UpdateExistingRoles) left.Add(s.Role!);
                    break;
                case GlobalsStatementKind.CreateRole:
                    created.Add(s.Role!);
                    roleStatements.Add((s.Sql, s.Line));
                    break;
                case GlobalsStatementKind.RoleAttributes or GlobalsStatementKind.RoleSetting or GlobalsStatementKind.RoleComment or GlobalsStatementKind.ParameterPrivilege:
                    if (!Leave(s.Role) || s.Role is null && UpdateExistingRoles) roleStatements.Add((s.Sql, s.Line));
                    break;
                case GlobalsStatementKind.Membership:
                    if (!Leave(s.Role) || !Leave(s.Member)) roleStatements.Add((s.Sql, s.Line));
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

        log.Info("globals_apply", ("object_name", objectName), ("statements", roleStatements.Count + tablespaceStatements.Count),
            ("roles_to_create", created.ToArray()), ("roles_left", left.ToArray()), ("tablespaces_to_create", createdTablespaces.ToArray()));
        await admin.RunStatementsAsync(roleStatements, atomic: true, $"globals backup '{objectName}' (no role was changed)", ct).ConfigureAwait(false);
        await admin.RunStatementsAsync(tablespaceStatements, atomic: false,
            $"globals backup '{objectName}' (its roles were restored; of its tablespaces, those before this one were created)", ct).ConfigureAwait(false);
        return new GlobalsOutcome(created, left, createdTablespaces);
    }
}

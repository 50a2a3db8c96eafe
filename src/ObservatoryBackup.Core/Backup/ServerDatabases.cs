using ObservatoryBackup.Configuration;
using ObservatoryBackup.Postgres;

namespace ObservatoryBackup.Backup;

/// <summary>A <see cref="DatabaseSelection"/> read against a server.</summary>
public static class ServerDatabases
{
    /// <summary>
    /// The databases to back up, in name order; the named ones are taken as named (a missing one fails on its own);
    /// all of them leaves out the tool's own transient databases (<see cref="TransientDatabase"/>), which a restore or test holds for a while.
    /// </summary>
    public static async Task<IReadOnlyList<string>> ResolveAsync(this DatabaseSelection selection, DatabaseAdmin server, CancellationToken ct) =>
        selection.Filter(selection.All
            ? (await server.ConnectableDatabaseNamesAsync(ct).ConfigureAwait(false)).Where(name => !TransientDatabase.IsTransient(name))
            : selection.Names);
}

using System.CommandLine;
using ObservatoryBackup.Retention;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup prune [--dry-run]</c>: retention on its own, over every database in the bucket.</summary>
internal static class PruneCommand
{
    public static Command Create(Commands app)
    {
        var dryRun = CommonOptions.DryRun();
        var prune = new Command("prune", "Delete each database's backups older than BACKUP_RETENTION_DAYS but its newest (only names that follow the backup scheme).") { dryRun };
        prune.SetAction((r, ct) => app.RunAsync(needsDatabase: false, async (settings, log) =>
        {
            await new Pruner(settings, log).RunAsync(r.GetValue(dryRun), ct);
            return ExitCodes.Success;
        }));
        return prune;
    }
}

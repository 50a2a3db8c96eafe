using System.CommandLine;
using ObservatoryBackup.Retention;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup prune [--dry-run] [--keep-last N] [--keep-daily N] [--keep-weekly N] [--keep-monthly N] [--keep-yearly N]</c>: retention on its own, over every database in the bucket.</summary>
internal static class PruneCommand
{
    public static Command Create(Commands app)
    {
        var dryRun = CommonOptions.DryRun();
        var keep = CommonOptions.Keep();
        var prune = new Command("prune", "Delete each database's backups that no retention rule keeps (older than BACKUP_RETENTION_DAYS and not kept by a --keep-* rule), never its newest (only names that follow the backup scheme). --dry-run logs each backup with the rule that keeps it, or expired.") { dryRun };
        keep.AddTo(prune);
        prune.SetAction((r, ct) => app.RunAsync(needsDatabase: false, async (settings, log) =>
        {
            await new Pruner(settings, log).RunAsync(r.GetValue(dryRun), ct);
            return ExitCodes.Success;
        }, overrides: () => keep.Apply(r, new Configuration.SettingOverrides())));
        return prune;
    }
}

using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary>
/// The root command's own spellings (<c>--dry-run</c>, <c>--list</c>, <c>--restore OBJECT [--yes]</c>),
/// so that commands written for the Python scripts run unchanged with obs-backup in their place
/// (docs/MIGRATING.md). A bare obs-backup still prints help: nobody starts a backup,
/// and its pruning, by exploring the CLI.
/// </summary>
internal static class ScriptSpellings
{
    public static void AddTo(RootCommand root, Commands app)
    {
        var dryRun = new Option<bool>("--dry-run") { Description = "As backup_postgres.py --dry-run: the same as 'backup --dry-run'." };
        var list = new Option<bool>("--list") { Description = "As restore_postgres.py --list: the same as 'list'." };
        var restore = new Option<string?>("--restore") { Description = "As restore_postgres.py --restore OBJECT [--yes]: the same as 'restore OBJECT [--yes]'.", HelpName = "object" };
        var yes = new Option<bool>("--yes", "-y") { Description = "With --restore: do not ask for confirmation." };
        root.Options.Add(dryRun);
        root.Options.Add(list);
        root.Options.Add(restore);
        root.Options.Add(yes);
        root.SetAction((r, ct) =>
        {
            var (dry, listing, name, yesGiven) = (r.GetValue(dryRun), r.GetValue(list), r.GetValue(restore), r.GetValue(yes));
            if ((dry ? 1 : 0) + (listing ? 1 : 0) + (name is null ? 0 : 1) > 1)
                return Task.FromResult(app.Fail("use one of --dry-run, --list and --restore at a time.", ExitCodes.BadConfiguration));
            if (listing) return ListCommand.RunAsync(app, ct);
            if (name is not null) return RestoreCommand.RunAsync(app, new RestoreChoice(name), yesGiven, inPlace: false, new Configuration.SettingOverrides(), ct);
            if (dry) return BackupCommand.RunAsync(app, () => new Configuration.SettingOverrides(), dryRun: true, ct);
            if (yesGiven)
                return Task.FromResult(app.Fail("--yes goes with --restore OBJECT (or 'restore OBJECT --yes').", ExitCodes.BadConfiguration));
            new System.CommandLine.Help.HelpAction().Invoke(r);
            return Task.FromResult(ExitCodes.Failed);
        });
    }
}

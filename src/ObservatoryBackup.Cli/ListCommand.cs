using System.CommandLine;
using ObservatoryBackup.Help;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup list [--database NAME] [--latest] [--json]</c>: the listing table, or JSON for scripts.</summary>
internal static class ListCommand
{
    public static Command Create(Commands app)
    {
        var database = new Option<string?>("--database") { Description = OptionNames.Render(ParameterTexts.ListDatabase) };
        var latest = new Option<bool>("--latest") { Description = OptionNames.Render(ParameterTexts.ListLatest) };
        var json = JsonOutput.Option("A JSON array of the backups (object_name, bucket, size in bytes, last_modified, timestamp, database, encrypted, signed, globals, pinned).");
        var list = new Command("list", "List the backups in the bucket, newest first.") { database, latest, json };
        list.SetAction((r, ct) => RunAsync(app, ct, new BackupQuery { Database = r.GetValue(database), Latest = r.GetValue(latest) }, r.GetValue(json)));
        return list;
    }

    /// <summary>The table (or JSON) on stdout, alone, so that scripts can read it; the listing's events go to stderr (for people, only its warnings).</summary>
    public static Task<int> RunAsync(Commands app, CancellationToken ct, BackupQuery? query = null, bool json = false) =>
        app.RunAsync(needsDatabase: false, async (settings, log) =>
        {
            var backups = await new BackupCatalog(settings.Storage, new EventLog(log, TimeProvider.System)).ListAsync(query ?? new BackupQuery(), ct);
            if (json) BackupJson.Write(app.Out, backups);
            else if (app.OutputIsTerminal) BackupTable.WriteForPeople(app.Out, backups, DateTimeOffset.UtcNow);
            else BackupTable.Write(app.Out, backups);
            return ExitCodes.Success;
        }, logTo: app.Error, quiet: true);
}

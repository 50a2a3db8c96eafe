using System.CommandLine;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup list [--database NAME] [--latest] [--json]</c>: the scripts' table, or JSON for scripts.</summary>
internal static class ListCommand
{
    public static Command Create(Commands app)
    {
        var database = new Option<string?>("--database") { Description = "Only backups of this database (as backup names record it)." };
        var latest = new Option<bool>("--latest") { Description = "Only the newest backup (of --database when given)." };
        var json = new Option<bool>("--json") { Description = "A JSON array of the backups (object_name, bucket, size, last_modified, timestamp, database, encrypted) instead of the table." };
        var list = new Command("list", "List the backups in the bucket, newest first.") { database, latest, json };
        list.SetAction((r, ct) => app.ListAsync(ct, new BackupQuery { Database = r.GetValue(database), Latest = r.GetValue(latest) }, r.GetValue(json)));
        return list;
    }
}

using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup list</c>: the scripts' table.</summary>
internal static class ListCommand
{
    public static Command Create(Commands app)
    {
        var list = new Command("list", "List the backups in the bucket, newest first.");
        list.SetAction((_, ct) => app.ListAsync(ct));
        return list;
    }
}

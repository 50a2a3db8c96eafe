using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup restore OBJECT [--yes] [--in-place] [--no-owner] [--no-tablespaces] [--identity-file FILE]</c></summary>
internal static class RestoreCommand
{
    public static Command Create(Commands app)
    {
        var objectName = new Argument<string>("object") { Description = "The backup's object name, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz." };
        var yes = CommonOptions.Yes();
        var inPlace = new Option<bool>("--in-place") { Description = "Drop and recreate the database, then restore into it, instead of restoring into a staging database and swapping it in." };
        var noOwner = CommonOptions.NoOwner();
        var noTablespaces = CommonOptions.NoTablespaces();
        var identityFile = CommonOptions.IdentityFile();
        var restore = new Command("restore", "Download a backup, verify it, and restore it into the database of DATABASE_URL, replacing it.")
        {
            objectName, yes, inPlace, noOwner, noTablespaces, identityFile,
        };
        restore.SetAction((r, ct) => app.RestoreAsync(r.GetValue(objectName)!, r.GetValue(yes), r.GetValue(inPlace), r.GetValue(noOwner), r.GetValue(noTablespaces), r.GetValue(identityFile), ct));
        return restore;
    }
}

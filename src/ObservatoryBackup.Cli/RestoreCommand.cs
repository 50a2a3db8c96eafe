using System.CommandLine;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup restore (OBJECT | --latest [--database NAME]) [--yes] [--in-place] [--no-owner] [--no-tablespaces] [--identity-file FILE] [--include-globals] [--update-existing-roles] [--allow-privileged-roles] [--jobs N]</c></summary>
internal static class RestoreCommand
{
    public static Command Create(Commands app)
    {
        var objectName = new Argument<string?>("object") { Description = "The backup's object name, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz; or --latest.", Arity = ArgumentArity.ZeroOrOne };
        var latest = new Option<bool>("--latest") { Description = "Restore the newest backup in the bucket (of --database when given)." };
        var database = new Option<string?>("--database") { Description = "With --latest: the newest backup of this database (as backup names record it)." };
        var yes = CommonOptions.Yes();
        var inPlace = new Option<bool>("--in-place") { Description = "Drop and recreate the database, then restore into it, instead of restoring into a staging database and swapping it in." };
        var noOwner = CommonOptions.NoOwner();
        var noTablespaces = CommonOptions.NoTablespaces();
        var identityFile = CommonOptions.IdentityFile();
        var includeGlobals = new Option<bool>("--include-globals")
        {
            Description = "First restore the newest globals backup taken at or before this one: the roles, memberships and tablespaces the server lacks, so that owners and grants restore too; then give the database the owner, settings and privileges its backup recorded.",
        };
        var updateExistingRoles = new Option<bool>("--update-existing-roles")
        {
            Description = "A globals restore also applies the backup's attributes, settings and memberships to roles that exist already (they are left as they are otherwise).",
        };
        var allowPrivilegedRoles = new Option<bool>("--allow-privileged-roles")
        {
            Description = "A globals restore may give roles privileged rights: SUPERUSER, CREATEROLE, REPLICATION, BYPASSRLS, membership in a built-in pg_ role or in a role holding such rights, a privilege on a parameter (otherwise a globals backup that would is refused before anything changes). Only for a backup you trust.",
        };
        var jobs = CommonOptions.Jobs();
        var restore = new Command("restore", "Download a backup, verify it, and restore it into the database of DATABASE_URL, replacing it. A globals backup (…/%globals_…) creates the roles, memberships and tablespaces DATABASE_URL's server lacks.")
        {
            objectName, latest, database, yes, inPlace, noOwner, noTablespaces, identityFile, includeGlobals, updateExistingRoles, allowPrivilegedRoles, jobs,
        };
        restore.SetAction((r, ct) =>
        {
            var (named, newest, of) = (r.GetValue(objectName), r.GetValue(latest), r.GetValue(database));
            if (named is not null && (newest || of is not null))
                return Task.FromResult(app.Fail($"'{named}' names one backup and --latest another; give one of them.", ExitCodes.BadConfiguration));
            if (named is null && !newest)
                return Task.FromResult(app.Fail(of is null ? "name the backup to restore, or pass --latest." : "--database goes with --latest.", ExitCodes.BadConfiguration));
            return app.RestoreAsync(new RestoreChoice(named, of), new RestoreOptions(r.GetValue(yes), r.GetValue(inPlace), r.GetValue(noOwner), r.GetValue(noTablespaces), r.GetValue(identityFile),
                r.GetValue(includeGlobals), r.GetValue(updateExistingRoles), r.GetValue(jobs), r.GetValue(allowPrivilegedRoles)), ct);
        });
        return restore;
    }
}

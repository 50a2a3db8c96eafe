using System.CommandLine;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Help;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Naming;
using ObservatoryBackup.Restore;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup restore (OBJECT | --latest [--database NAME]) [--yes] [--in-place] [--no-owner] [--no-tablespaces] [--identity-file FILE] [--trusted-key KEY]… [--include-globals] [--update-existing-roles] [--allow-privileged-roles] [--jobs N] [--target-database NAME]</c></summary>
internal static class RestoreCommand
{
    public static Command Create(Commands app)
    {
        var objectName = new Argument<string?>("object") { Description = OptionNames.Render(ParameterTexts.RestoreObjectName) + " Or --latest.", Arity = ArgumentArity.ZeroOrOne };
        var latest = new Option<bool>("--latest") { Description = OptionNames.Render(ParameterTexts.Latest) };
        var database = new Option<string?>("--database") { Description = OptionNames.Render(ParameterTexts.LatestOfDatabase) + " Goes with --latest." };
        var yes = CommonOptions.Yes();
        var inPlace = new Option<bool>("--in-place") { Description = OptionNames.Render(ParameterTexts.InPlace) };
        var noOwner = CommonOptions.NoOwner();
        var noTablespaces = CommonOptions.NoTablespaces();
        var identityFile = CommonOptions.IdentityFile();
        var trustedKey = CommonOptions.TrustedKey();
        var includeGlobals = new Option<bool>("--include-globals")
        {
            Description = OptionNames.Render(ParameterTexts.RestoreIncludeGlobals),
        };
        var updateExistingRoles = new Option<bool>("--update-existing-roles")
        {
            Description = OptionNames.Render(ParameterTexts.UpdateExistingRoles),
        };
        var allowPrivilegedRoles = new Option<bool>("--allow-privileged-roles")
        {
            Description = OptionNames.Render(ParameterTexts.AllowPrivilegedRoles),
        };
        var jobs = CommonOptions.Jobs();
        var targetDatabase = new Option<string?>("--target-database") { Description = OptionNames.Render(ParameterTexts.TargetDatabase) };
        var restore = new Command("restore", "Download a backup, verify it, and restore it into the database of DATABASE_URL, replacing it. A globals backup (…/%globals_…) creates the roles, memberships and tablespaces DATABASE_URL's server lacks.")
        {
            objectName, latest, database, yes, inPlace, noOwner, noTablespaces, identityFile, trustedKey, includeGlobals, updateExistingRoles, allowPrivilegedRoles, jobs, targetDatabase,
        };
        restore.SetAction((r, ct) =>
        {
            var (named, newest, of) = (r.GetValue(objectName), r.GetValue(latest), r.GetValue(database));
            if (named is not null && (newest || of is not null))
                return Task.FromResult(app.Fail($"'{named}' names one backup and --latest another; give one of them.", ExitCodes.BadConfiguration));
            if (named is null && !newest)
                return Task.FromResult(app.Fail(of is null ? "name the backup to restore, or pass --latest." : "--database goes with --latest.", ExitCodes.BadConfiguration));
            return RunAsync(app, new RestoreChoice(named, of), r.GetValue(yes), r.GetValue(inPlace), new SettingOverrides
            {
                IdentityFile = r.GetValue(identityFile),
                TrustedKeys = r.GetValue(trustedKey) is { Length: > 0 } keys ? keys : null,
                RestoreJobs = r.GetValue(jobs),
                NoOwner = r.GetValue(noOwner),
                NoTablespaces = r.GetValue(noTablespaces),
                IncludeGlobals = r.GetValue(includeGlobals),
                UpdateExistingRoles = r.GetValue(updateExistingRoles),
                AllowPrivilegedRoles = r.GetValue(allowPrivilegedRoles),
                TargetDatabase = r.GetValue(targetDatabase),
            }, ct);
        });
        return restore;
    }

    /// <summary>Restores <see cref="RestoreChoice.Name"/>, or the newest backup (of a database) with --latest; asks first unless <paramref name="yes"/>.</summary>
    public static Task<int> RunAsync(Commands app, RestoreChoice which, bool yes, bool inPlace, SettingOverrides overrides, CancellationToken ct) =>
        app.RunAsync(resolver => resolver.ResolveRestore(overrides with { Choice = which.Name is null ? BackupChoice.Latest : BackupChoice.Named, LatestOf = which.Database }), async (options, log) =>
        {
            var engine = new RestoreEngine(options, log);
            var name = which.Name ?? (await new BackupCatalog(options.Settings.Storage, new EventLog(log, TimeProvider.System)).NewestAsync(options.LatestOf, ct)).ObjectName;
            engine.ValidateObjectName(name);
            var globals = BackupKey.KindOf(name) == BackupKind.Globals;
            if (!yes && !app.Confirm(engine.DescribeTarget(name), globals ? $"'{name}'" : $"'{name}' ({engine.Into(name)})", globals ? "adds to" : "replaces"))
            {
                engine.Aborted(name);
                return ExitCodes.Declined;
            }
            var result = await engine.RunAsync(name, inPlace ? RestoreMode.InPlace : RestoreMode.Staged, ct);
            if (result.Globals is not null)
                app.Error.WriteLine($"obs-backup: globals '{result.Globals}': created roles [{string.Join(", ", result.RolesCreated)}], left existing roles [{string.Join(", ", result.RolesLeft)}] as they were, created tablespaces [{string.Join(", ", result.TablespacesCreated)}].");
            return ExitCodes.Success;
        });
}

/// <summary>Which backup a restore takes: a name, or the newest (of <see cref="Database"/> when given).</summary>
internal sealed record RestoreChoice(string? Name, string? Database = null);

using System.CommandLine;
using ObservatoryBackup.Backup;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Help;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup backup [--dry-run] [--compression …] [--compression-level N] [--metrics-file PATH] [--recipient AGE1…]… [--lock-days N] [--signing-key-file FILE] [--keep-* N] [--exclude-table P]… [--exclude-table-data P]… [--database NAME… | --all-databases] [--exclude-database PATTERN]… [--parallel N] [--include-globals] [--include-role-passwords]</c></summary>
internal static class BackupCommand
{
    public static Command Create(Commands app)
    {
        var dryRun = CommonOptions.DryRun();
        var level = new Option<int?>("--compression-level")
        {
            Description = OptionNames.Render(ParameterTexts.CompressionLevel),
            CustomParser = r =>
            {
                var text = r.Tokens.Count == 1 ? r.Tokens[0].Value : "";
                if (int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n)) return n;
                r.AddError($"--compression-level takes a whole number (gzip 1-9, zstd 1-19), not '{text}'.");
                return null;
            },
        };
        var compression = new Option<string?>("--compression") { Description = OptionNames.Render(ParameterTexts.Compression) };
        var metricsFile = CommonOptions.MetricsFile(ParameterTexts.BackupMetricsPath);
        var recipient = new Option<string[]>("--recipient")
        {
            Description = OptionNames.Render(ParameterTexts.Recipient) + " Repeat for more.",
            AllowMultipleArgumentsPerToken = false,
        };
        var lockDays = new Option<int?>("--lock-days")
        {
            Description = OptionNames.Render(ParameterTexts.LockDays),
        };
        var signingKeyFile = new Option<string?>("--signing-key-file")
        {
            Description = OptionNames.Render(ParameterTexts.SigningKeyFile),
        };
        var backup = new Command("backup", "Dump the database, compress it and upload it as postgres/YYYY/MM/DD/DATABASE_YYYYMMDD_HHMMSS.sql.gz (.sql.zst with --compression zstd; observatory_… for the observatory database), then delete that database's backups older than BACKUP_RETENTION_DAYS.")
        {
            dryRun, level, compression, metricsFile, recipient, lockDays, signingKeyFile,
        };
        var keep = CommonOptions.Keep();
        keep.AddTo(backup);
        var excludeTable = new Option<string[]>("--exclude-table") { Description = OptionNames.Render(ParameterTexts.ExcludeTable) + " Repeat for more." };
        var excludeTableData = new Option<string[]>("--exclude-table-data") { Description = OptionNames.Render(ParameterTexts.ExcludeTableData) + " Repeat for more." };
        backup.Options.Add(excludeTable);
        backup.Options.Add(excludeTableData);
        var databases = new Option<string[]>("--database") { Description = OptionNames.Render(ParameterTexts.BackupDatabase) + " Repeat for more." };
        var allDatabases = new Option<bool>("--all-databases") { Description = OptionNames.Render(ParameterTexts.AllDatabases) };
        var excludeDatabase = new Option<string[]>("--exclude-database") { Description = OptionNames.Render(ParameterTexts.ExcludeDatabase) + " Repeat for more." };
        var parallel = new Option<int>("--parallel") { Description = OptionNames.Render(ParameterTexts.Parallel), DefaultValueFactory = _ => 1 };
        var includeGlobals = new Option<bool>("--include-globals")
        {
            Description = OptionNames.Render(ParameterTexts.BackupIncludeGlobals),
        };
        var includeRolePasswords = new Option<bool>("--include-role-passwords")
        {
            Description = OptionNames.Render(ParameterTexts.IncludeRolePasswords),
        };
        foreach (var option in new Option[] { databases, allDatabases, excludeDatabase, parallel, includeGlobals, includeRolePasswords }) backup.Options.Add(option);
        backup.SetAction((r, ct) => RunAsync(app, () => keep.Apply(r, new SettingOverrides
        {
            MetricsPath = r.GetValue(metricsFile),
            CompressionLevel = r.GetValue(level),
            Recipients = r.GetValue(recipient) is { Length: > 0 } given ? given : null,
            LockDays = r.GetValue(lockDays),
            SigningKeyFile = r.GetValue(signingKeyFile),
            Compression = r.GetValue(compression) is { } c ? SettingsResolver.ParseCompression(c, variable: null) : null,
            ExcludeTables = r.GetValue(excludeTable) is { Length: > 0 } tables ? tables : null,
            ExcludeTableData = r.GetValue(excludeTableData) is { Length: > 0 } data ? data : null,
            Databases = r.GetValue(databases),
            AllDatabases = r.GetValue(allDatabases),
            ExcludeDatabases = r.GetValue(excludeDatabase),
            Parallel = r.GetValue(parallel),
            IncludeGlobals = r.GetValue(includeGlobals),
            IncludeRolePasswords = r.GetValue(includeRolePasswords),
        }), r.GetValue(dryRun), ct));
        return backup;
    }

    /// <summary>The backup <paramref name="overrides"/> ask for: of one database, or (several of them, or the globals) of its server.</summary>
    public static Task<int> RunAsync(Commands app, Func<SettingOverrides> overrides, bool dryRun, CancellationToken ct) =>
        app.RunAsync(resolver => resolver.ResolveBackup(overrides()), async (options, log) =>
        {
            if (options.Server is not null) return await BackUpServerAsync(app, options, log, dryRun, ct);
            var engine = new BackupEngine(options, log);
            var result = dryRun
                ? engine.DescribeDryRun(await engine.PlanAsync(ct, dryRun: true))
                : await engine.ExecuteAsync(await engine.PlanAsync(ct), ct);
            app.Report(Describe(result));
            return ExitCodes.Success;
        });

    /// <summary>A backup's result for people: "Backed up observatory to NAME: 60.7 MiB (240.1 MiB of SQL) in 3.2 s; 2 old backups deleted."</summary>
    public static string Describe(BackupResult result)
    {
        if (result.DryRun) return $"Dry run: would back up {Subject(result)} to {result.ObjectName}; nothing written.";
        var sizes = result.Size is { } size ? $": {HumanUnits.Size(size)}" + (result.DumpSize is { } dump ? $" ({HumanUnits.Size(dump)} of SQL)" : "") : "";
        var pruned = result.Pruned.Count switch { 0 => "", 1 => "; 1 old backup deleted", var n => $"; {n} old backups deleted" };
        return $"Backed up {Subject(result)} to {result.ObjectName}{sizes} in {HumanUnits.Duration(result.Duration)}{pruned}.";
    }

    private static string Subject(BackupResult result) => result.Database.Length == 0 ? "the server's globals" : $"database \"{result.Database}\"";

    /// <summary>Several databases of DATABASE_URL's server: each its own run; exit 1 when any failed, after all ran.</summary>
    private static async Task<int> BackUpServerAsync(Commands app, BackupOptions options, Logging.IBackupLog log, bool dryRun, CancellationToken ct)
    {
        var server = new ServerBackup(options, log);
        var result = await server.RunAsync(await server.SelectAsync(ct), dryRun, null, ct);
        foreach (var done in result.Databases.Where(d => d.Result is not null))
            app.Report(Describe(done.Result!));
        foreach (var failed in result.Databases.Where(d => !d.Succeeded))
            app.Fail($"{failed.Subject}: {failed.Failure!.Message}", ExitCodes.Failed);
        return result.Failed == 0 ? ExitCodes.Success : ExitCodes.Failed;
    }
}

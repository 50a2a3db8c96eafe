using System.CommandLine;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Help;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup status [--database NAME | --all-databases] [--max-age 26h] [--metrics-file PATH] [--json]</c>: is the job still running, for every database?</summary>
internal static class StatusCommand
{
    public static Command Create(Commands app)
    {
        var database = new Option<string?>("--database") { Description = OptionNames.Render(ParameterTexts.StatusDatabase) };
        var allDatabases = new Option<bool>("--all-databases") { Description = OptionNames.Render(ParameterTexts.StatusAllDatabases) };
        var maxAge = new Option<string>("--max-age") { Description = OptionNames.Render(ParameterTexts.MaxAge), DefaultValueFactory = _ => "26h" };
        var metricsFile = CommonOptions.MetricsFile(ParameterTexts.StatusMetricsPath);
        var json = new Option<bool>("--json") { Description = "A JSON array of the statuses, one per database (database, globals, fresh, count, size_bytes, newest_object_name, newest_age_seconds, oldest_object_name, oldest_age_seconds, max_age_seconds, suspect) on stdout; the log lines go to stderr." };
        var status = new Command("status", "Tell whether backups are still being taken, for each database with a backup (or the one --database names): newest and oldest backup, ages, count and size. Exit 1 when there is none, or any database's newest is older than --max-age.")
        {
            database, allDatabases, maxAge, metricsFile, json,
        };
        status.SetAction((r, ct) =>
        {
            var (one, asJson) = (r.GetValue(database), r.GetValue(json));
            if (one is not null && r.GetValue(allDatabases))
                return Task.FromResult(app.Fail(OptionNames.Conflict(OptionRule.DatabasesAndAll), ExitCodes.BadConfiguration));
            return app.RunAsync(needsDatabase: false, async (settings, log) =>
            {
                var limit = Durations.TryParse(r.GetValue(maxAge)!)
                    ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidMaxAge, r.GetValue(maxAge)!, $"--max-age must be a duration such as 26h, 90m or 2d, not '{r.GetValue(maxAge)}'.");
                var engine = new StatusEngine(settings, log);
                var statuses = one is null ? await engine.RunAllAsync(limit, ct) : [await engine.RunAsync(one, limit, ct)];
                if (asJson) StatusJson.Write(app.Out, statuses);
                if (one is null) engine.EnsureFresh(statuses);
                else engine.EnsureFresh(statuses[0]);
                return ExitCodes.Success;
            }, logTo: asJson ? app.Error : null, overrides: () => new SettingOverrides { MetricsPath = r.GetValue(metricsFile) });
        });
        return status;
    }
}

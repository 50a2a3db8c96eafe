using System.CommandLine;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Help;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup status [--database NAME] [--max-age 26h] [--metrics-file PATH] [--json]</c>: is the job still running?</summary>
internal static class StatusCommand
{
    public static Command Create(Commands app)
    {
        var database = new Option<string?>("--database") { Description = OptionNames.Render(ParameterTexts.StatusDatabase) };
        var maxAge = new Option<string>("--max-age") { Description = OptionNames.Render(ParameterTexts.MaxAge), DefaultValueFactory = _ => "26h" };
        var metricsFile = CommonOptions.MetricsFile(ParameterTexts.StatusMetricsPath);
        var json = JsonOutput.Option("The status as a JSON object (bucket, database, fresh, count, total_size in bytes, newest and oldest backup, their ages and max_age in seconds).");
        var status = new Command("status", "Tell whether backups are still being taken: newest and oldest backup, ages, count and size. Exit 1 when there is none, or the newest is older than --max-age.")
        {
            database, maxAge, metricsFile, json,
        };
        status.SetAction((r, ct) => app.RunAsync(needsDatabase: false, async (settings, log) =>
        {
            var limit = Durations.TryParse(r.GetValue(maxAge)!)
                ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidMaxAge, r.GetValue(maxAge)!, $"--max-age must be a duration such as 26h, 90m or 2d, not '{r.GetValue(maxAge)}'.");
            var engine = new StatusEngine(settings, log);
            var result = await engine.RunAsync(r.GetValue(database), limit, ct);
            if (r.GetValue(json)) StatusJson.Write(app.Out, result);
            else app.Report(result.ToString());
            engine.EnsureFresh(result);
            return ExitCodes.Success;
        }, logTo: r.GetValue(json) ? app.Error : null, overrides: () => new SettingOverrides { MetricsPath = r.GetValue(metricsFile) }, quiet: true));
        return status;
    }
}

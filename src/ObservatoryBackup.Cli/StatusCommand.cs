using System.CommandLine;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Help;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup status [--database NAME] [--max-age 26h] [--metrics-file PATH]</c>: is the job still running?</summary>
internal static class StatusCommand
{
    public static Command Create(Commands app)
    {
        var database = new Option<string?>("--database") { Description = OptionNames.Render(ParameterTexts.StatusDatabase) };
        var maxAge = new Option<string>("--max-age") { Description = OptionNames.Render(ParameterTexts.MaxAge), DefaultValueFactory = _ => "26h" };
        var metricsFile = CommonOptions.MetricsFile(ParameterTexts.StatusMetricsPath);
        var status = new Command("status", "Tell whether backups are still being taken: newest and oldest backup, ages, count and size. Exit 1 when there is none, or the newest is older than --max-age.")
        {
            database, maxAge, metricsFile,
        };
        status.SetAction((r, ct) => app.RunAsync(needsDatabase: false, async (settings, log) =>
        {
            var limit = Durations.TryParse(r.GetValue(maxAge)!)
                ?? throw new BackupDataException(ObsErrorKind.InvalidArgument, ErrorIds.InvalidMaxAge, r.GetValue(maxAge)!, $"--max-age must be a duration such as 26h, 90m or 2d, not '{r.GetValue(maxAge)}'.");
            var engine = new StatusEngine(settings, log);
            engine.EnsureFresh(await engine.RunAsync(r.GetValue(database), limit, ct));
            return ExitCodes.Success;
        }, overrides: () => new SettingOverrides { MetricsPath = r.GetValue(metricsFile) }));
        return status;
    }
}

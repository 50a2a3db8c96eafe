using System.CommandLine;
using ObservatoryBackup.Help;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Retention;

namespace ObservatoryBackup.Cli;

/// <summary><c>obs-backup pin OBJECT</c> and <c>obs-backup unpin OBJECT</c>: backups retention never deletes.</summary>
internal static class PinCommands
{
    public static IEnumerable<Command> Create(Commands app)
    {
        yield return Create(app, "pin", "Pin a backup: retention never deletes it, whatever its age or the keep rules.", pin: true);
        yield return Create(app, "unpin", "Unpin a backup: retention judges it by its age and the keep rules again.", pin: false);
    }

    private static Command Create(Commands app, string name, string description, bool pin)
    {
        var objectName = new Argument<string>("object") { Description = OptionNames.Render(ParameterTexts.PinObjectName) };
        var command = new Command(name, description) { objectName };
        command.SetAction((r, ct) => app.RunAsync(needsDatabase: false, async (settings, log) =>
        {
            var pins = new BackupPins(settings.Storage, log);
            if (pin) await pins.PinAsync(r.GetValue(objectName)!, ct);
            else await pins.UnpinAsync(r.GetValue(objectName)!, ct);
            return ExitCodes.Success;
        }));
        return command;
    }
}

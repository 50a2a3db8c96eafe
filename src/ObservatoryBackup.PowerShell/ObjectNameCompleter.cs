using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Completes backup object names from the bucket's listing, newest first, honouring -Endpoint,
/// -Bucket, -Credential and -UseSsl already typed on the command line; bounded by <see cref="CompletionBound"/>.
/// </summary>
public sealed class ObjectNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        try
        {
            var overrides = StorageParameters.Apply(new SettingOverrides(),
                fakeBoundParameters["Endpoint"] as string,
                fakeBoundParameters["Bucket"] as string,
                fakeBoundParameters.Contains("UseSsl") ? LanguagePrimitives.IsTrue(fakeBoundParameters["UseSsl"]) : null,
                fakeBoundParameters["Credential"] as PSCredential);
            var settings = SettingsResolver.FromProcess().Resolve(overrides, needsDatabase: false);
            var prefix = wordToComplete.Trim('\'', '"');
            var backups = CompletionBound.Run(ct => new BackupCatalog(settings.Storage, new Logging.EventLog(Logging.NullBackupLog.Instance, TimeProvider.System))
                .ListAsync(new BackupQuery { NameFilter = n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) }, ct));
            return backups.Select(b => new CompletionResult(
                b.ObjectName.Contains(' ') ? $"'{b.ObjectName}'" : b.ObjectName,
                b.ObjectName,
                CompletionResultType.ParameterValue,
                $"{b.ObjectName}  {b.Size:N0} bytes  {b.LastModified.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC")).ToList();
        }
        catch (Exception)
        {
            // completion must never throw at the user's prompt; no store, no suggestions
            return [];
        }
    }
}

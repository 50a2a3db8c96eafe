using System.Management.Automation;
using System.Runtime.InteropServices;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Logging;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// What every ObservatoryBackup cmdlet shares: running the async engine while writing its events
/// and progress, and turning its exceptions into error records.
/// </summary>
public abstract class ObsCmdletBase : PSCmdlet
{
    private readonly CancellationTokenSource _stop = new();
    // no field of an engine type here: loading this type must not load the engine (see ModuleInitializer)
    private bool _json;
    private bool _unconfigured;
    private readonly Dictionary<string, int> _progressIds = new();

    /// <summary>Text (Information and Verbose streams) or Json (one JSON object per line on the host, as log collectors read it). Default: OBS_LOG_FORMAT, then Text.</summary>
    /// <default>OBS_LOG_FORMAT, then Text</default>
    [Parameter]
    public LogFormat? LogFormat { get; set; }

    internal CmdletLog Log { get; } = new();

    /// <summary>Settings from the process environment, read once per invocation.</summary>
    protected SettingsResolver Resolver { get; } = SettingsResolver.FromProcess();

    /// <summary>Settles the log format first, so that every later event, configuration errors included, is written in it.</summary>
    protected sealed override void BeginProcessing() => Step(() =>
    {
        _unconfigured = true;
        _json = Configure(() => Resolver.ResolveLogFormat(LogFormat switch
        {
            PowerShell.LogFormat.Json => Configuration.LogFormat.Json,
            PowerShell.LogFormat.Text => Configuration.LogFormat.Text,
            _ => null,
        })) == Configuration.LogFormat.Json;
        _unconfigured = false;
    });

    /// <summary>A -DatabaseCredential parameter's user and password, for the engine.</summary>
    internal static Configuration.DatabaseCredential? CredentialFrom(PSCredential? credential) =>
        credential is null ? null : new(credential.UserName, credential.GetNetworkCredential().Password);

    protected bool WhatIfRequested =>
        (MyInvocation.BoundParameters.TryGetValue("WhatIf", out var w) && ((SwitchParameter)w).IsPresent)
        || (!MyInvocation.BoundParameters.ContainsKey("WhatIf") && LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference")));

    /// <summary>ShouldProcess, except that <paramref name="force"/> skips the prompt unless -WhatIf or -Confirm is given.</summary>
    protected bool ShouldProcessUnlessForced(bool force, string target, string action) =>
        force && !WhatIfRequested && !MyInvocation.BoundParameters.ContainsKey("Confirm") || ShouldProcess(target, action);

    /// <summary>The cmdlet's work for one input object; see <see cref="Fail(ErrorRecord)"/> for how engine failures end it.</summary>
    protected virtual void ProcessInput() { }

    /// <summary>The cmdlet's work once all input is in.</summary>
    protected virtual void Complete() { }

    protected sealed override void ProcessRecord() => Step(ProcessInput);

    protected sealed override void EndProcessing() => Step(Complete);

    private void Step(Action step)
    {
        if (_unconfigured) return;
        try
        {
            step();
        }
        catch (FailureWritten)
        {
            // the error record is written; this input is done, the pipeline goes on
        }
    }

    /// <summary>
    /// Runs <paramref name="resolve"/>; a configuration error is logged (missing_required_env_var / invalid_configuration)
    /// and written as an error, parameters that do not go together only written.
    /// </summary>
    protected T Configure<T>(Func<T> resolve)
    {
        try
        {
            return resolve();
        }
        catch (ConfigurationException ex)
        {
            new EventLog(Log, TimeProvider.System).ConfigurationFailed(ex, ParameterNames.For);
            throw Fail(ex);
        }
        catch (OptionConflictException ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>Runs a quick engine check on the pipeline thread; its failure (already logged by the engine) is written as an error.</summary>
    protected void Check(Action check)
    {
        try
        {
            check();
        }
        catch (ObsBackupException ex)
        {
            throw Fail(ex);
        }
    }

    /// <summary>
    /// Writes an engine failure as an error record (so -ErrorAction, -ErrorVariable and $? behave as
    /// for any cmdlet, and -ErrorAction Stop or $ErrorActionPreference = 'Stop' make it terminating),
    /// and returns what ends the current step.
    /// </summary>
    protected Exception Fail(ObsBackupException ex) => Fail(ErrorCategories.Record(ex));

    protected Exception Fail(ErrorRecord record)
    {
        Flush();
        WriteError(record);
        return new FailureWritten();
    }

    private sealed class FailureWritten : Exception;

    /// <summary>Runs engine work off the pipeline thread, writing its events and progress as they come; engine errors become terminating errors.</summary>
    protected T Run<T>(Func<CancellationToken, Task<T>> work)
    {
        // pwsh ends at SIGTERM (docker stop) without stopping the pipeline: take it as Ctrl+C, let the
        // engine clean up (abort the upload, drop the staging database, log the failed *_finished), then exit.
        var terminated = false;
        using var sigterm = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            terminated = true;
            _stop.Cancel();
        });
        var task = Task.Run(() => work(_stop.Token));
        while (!task.IsCompleted)
        {
            if (Log.TryTake(out var item, TimeSpan.FromMilliseconds(100))) Emit(item);
        }
        Flush();
        if (terminated)
        {
            Console.Out.Flush();
            Environment.Exit(128 + 15);
        }
        try
        {
            return task.GetAwaiter().GetResult();
        }
        catch (ObsBackupException ex)
        {
            throw Fail(ex);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            throw new PipelineStoppedException();
        }
    }

    /// <summary>Writes every queued event.</summary>
    protected void Flush()
    {
        while (Log.TryTake(out var item, TimeSpan.Zero)) Emit(item);
    }

    protected override void StopProcessing() => _stop.Cancel();

    private void Emit(object item)
    {
        switch (item)
        {
            case BackupEvent e when _json:
                WriteInformation(new HostInformationMessage { Message = e.ToJson() }, ["PSHOST", "ObservatoryBackup", e.Name]);
                break;
            case BackupEvent e:
                WriteInformation(e, ["ObservatoryBackup", e.Name]);
                if (e.Level == LogLevel.WARNING) WriteWarning(e.ToString());
                else WriteVerbose(e.ToString());
                break;
            case TransferProgress p:
                WriteProgress(ProgressRecordFor(p));
                break;
        }
    }

    private ProgressRecord ProgressRecordFor(TransferProgress p)
    {
        if (!_progressIds.TryGetValue(p.Activity, out var id)) _progressIds[p.Activity] = id = _progressIds.Count + 1;
        var record = new ProgressRecord(id, p.Activity, p.ToString());
        if (p.Percent is { } percent && !p.Completed) record.PercentComplete = percent;
        if (p.Completed) record.RecordType = ProgressRecordType.Completed;
        return record;
    }
}

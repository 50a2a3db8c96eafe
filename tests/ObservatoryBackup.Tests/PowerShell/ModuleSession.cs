using System.Collections.ObjectModel;
using System.Management.Automation;
using System.Management.Automation.Runspaces;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>A real PowerShell runspace that has imported the module through its manifest, as a user's session would.</summary>
public sealed class ModuleSession : IDisposable
{
    public static string ManifestPath => Path.Combine(AppContext.BaseDirectory, "ObservatoryBackup.psd1");

    private readonly Runspace _runspace;

    public ModuleSession()
    {
        Host = new TestHost();
        var state = InitialSessionState.CreateDefault2();
        _runspace = RunspaceFactory.CreateRunspace(Host, state);
        _runspace.Open();
        Invoke($"Import-Module '{ManifestPath}' -ErrorAction Stop");
    }

    public TestHost Host { get; }

    /// <summary>Streams of the last invocation.</summary>
    public CapturedStreams? Streams { get; private set; }

    public sealed record CapturedStreams(
        List<InformationRecord> Information, List<VerboseRecord> Verbose, List<WarningRecord> Warning, List<ErrorRecord> Error,
        List<ProgressRecord> Progress);

    /// <summary>Runs a script; terminating errors surface as exceptions, like in a script with $ErrorActionPreference = 'Stop'.</summary>
    public Collection<PSObject> Invoke(string script, IDictionary<string, object?>? variables = null)
    {
        using var ps = System.Management.Automation.PowerShell.Create();
        ps.Runspace = _runspace;
        foreach (var (name, value) in variables ?? new Dictionary<string, object?>())
            _runspace.SessionStateProxy.SetVariable(name, value);
        // as in a script run with -ErrorAction Stop: a terminating error ends the script and surfaces here
        ps.AddScript("$ErrorActionPreference = 'Stop'\n" + script);
        try
        {
            return ps.Invoke();
        }
        finally
        {
            Streams = new CapturedStreams([.. ps.Streams.Information], [.. ps.Streams.Verbose], [.. ps.Streams.Warning], [.. ps.Streams.Error], [.. ps.Streams.Progress]);
        }
    }

    /// <summary>Runs a script expected to fail; returns the error record.</summary>
    public ErrorRecord InvokeFailing(string script, IDictionary<string, object?>? variables = null)
    {
        try
        {
            Invoke(script, variables);
        }
        catch (RuntimeException ex)
        {
            return ex.ErrorRecord;
        }
        Assert.Fail($"Expected a terminating error from: {script}\nNon-terminating errors: {string.Join("; ", Streams?.Error.Select(e => e.ToString()) ?? [])}");
        return null!;
    }

    public void Dispose() => _runspace.Dispose();
}

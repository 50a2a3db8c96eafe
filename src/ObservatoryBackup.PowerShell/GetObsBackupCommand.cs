using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Store;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Lists the backups in the bucket, newest first.</para>
/// <para type="description">Lists the objects under postgres/ in the bucket as objects with ObjectName, Bucket, Size, LastModified (UTC), Timestamp (the time in the object name), Pinned and Signed (a minisign signature, the object's name followed by .minisig, lies beside it; signatures are not listed themselves). The default view is a table of what an operator scans for: Database, Age (since the time in the name, as "3 h 12 min"), Size (as "60.7 MiB"), Encrypted, Signed, Pinned, then the Object name; the properties keep the raw numbers and times.</para>
/// <para type="description">The output pipes into Restore-ObsBackup, Test-ObsBackup, Protect-ObsBackup and Unprotect-ObsBackup, which bind ObjectName and Bucket by property name.</para>
/// </summary>
/// <output>One object per backup, newest first.</output>
/// <example title="List backups">
/// <code>Get-ObsBackup</code>
/// <para>Database           Age    Size Encrypted Signed Pinned Object name</para>
/// <para>observatory   3 h 12 min 1.2 MiB     False   True  False postgres/2026/02/16/observatory_20260216_020000.sql.gz</para>
/// </example>
/// <example title="The newest backup">
/// <code>Get-ObsBackup -Latest</code>
/// </example>
/// <example title="February's backups">
/// <code>Get-ObsBackup 'postgres/2026/02/*'</code>
/// </example>
/// <example title="Backups of the last week">
/// <code>Get-ObsBackup -After (Get-Date).AddDays(-7)</code>
/// </example>
/// <seealso cref="RestoreObsBackupCommand"/>
/// <seealso cref="TestObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsCommon.Get, "ObsBackup")]
[OutputType(typeof(StoredBackup))]
public sealed class GetObsBackupCommand : ObsStorageCmdletBase
{
    /// <summary>Object names to list; wildcards are allowed.</summary>
    /// <default>all</default>
    [Parameter(Position = 0)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string[]? Name { get; set; }

    /// <summary><see cref="Help.ParameterTexts.ListDatabase"/></summary>
    /// <default>all databases</default>
    [Parameter]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(DatabaseNameCompleter))]
    public string? Database { get; set; }

    /// <summary><see cref="Help.ParameterTexts.ListLatest"/></summary>
    [Parameter]
    public SwitchParameter Latest { get; set; }

    /// <summary>Only backups taken after this time (local time unless the value says otherwise).</summary>
    [Parameter]
    public DateTime? After { get; set; }

    /// <summary>Only backups taken before this time.</summary>
    [Parameter]
    public DateTime? Before { get; set; }

    protected override void Complete()
    {
        var settings = ResolveSettings(needsDatabase: false, new SettingOverrides());
        var patterns = Name?.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        var query = new BackupQuery
        {
            NameFilter = patterns is null ? null : name => patterns.Any(p => p.IsMatch(name)),
            Database = Database,
            After = After is { } a ? ToUtc(a) : null,
            Before = Before is { } b ? ToUtc(b) : null,
            Latest = Latest.IsPresent,
        };
        var backups = Run(ct => new BackupCatalog(settings.Storage, new EventLog(Log, TimeProvider.System)).ListAsync(query, ct));
        foreach (var backup in backups) WriteObject(backup);
    }

    // A DateTime typed at the prompt is local time unless it says otherwise.
    private static DateTimeOffset ToUtc(DateTime t) =>
        new DateTimeOffset(t.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(t, DateTimeKind.Local) : t).ToUniversalTime();
}

using System.Management.Automation;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Monitoring;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// <para type="synopsis">Lists a backup's tables and the rows each carries, as pg_restore -l lists a dump's contents.</para>
/// <para type="description">The rows come from the backup's manifest, the line a backup writes after pg_dump's own last line. A compressed stream has no index, so the whole object is read (decrypted where encrypted, decompressed, not parsed) to reach that line; with trusted keys its signature is checked on the way. Without -Verify the rows are what the manifest says, unproven. With -Verify the backup is read as a restore reads it: every table's COPY block is counted, and the manifest proven against those counts and against the SHA-256 of the SQL, so a backup whose manifest lies is an error (BackupCorrupt). A backup written by plain pg_dump | gzip has no manifest: only -Verify lists it.</para>
/// <para type="description">One object per table: ObjectName, Table (as pg_dump names it, schema-qualified and quoted where needed), Rows and Verified.</para>
/// </summary>
/// <parameter name="ObjectName"><see cref="Help.ParameterTexts.ContentsObjectName"/> It binds from Get-ObsBackup output; tab completes from the bucket.</parameter>
/// <input type="ObservatoryBackup.Store.StoredBackup">Output of Get-ObsBackup: ObjectName and Bucket bind by property name.</input>
/// <input type="System.String">An object name.</input>
/// <output>ObjectName, Table, Rows and Verified, one per table.</output>
/// <example title="What the newest backup holds">
/// <code>Get-ObsBackup -Latest | Get-ObsBackupContents</code>
/// </example>
/// <example title="Prove the rows before restoring part of a backup">
/// <code>Get-ObsBackupContents postgres/2026/02/16/observatory_20260216_020000.sql.gz -Verify | Where-Object Table -like 'public.*'</code>
/// <para>Counts every table's rows in the SQL and proves the manifest against them.</para>
/// </example>
/// <seealso cref="GetObsBackupCommand"/>
/// <seealso cref="RestoreObsBackupCommand"/>
/// <seealso href="about_ObservatoryBackup">about_ObservatoryBackup</seealso>
[Cmdlet(VerbsCommon.Get, "ObsBackupContents")]
[OutputType(typeof(BackupTableRows))]
public sealed class GetObsBackupContentsCommand : ObsReadingCmdletBase
{
    /// <summary>The backup, e.g. postgres/2026/02/16/observatory_20260216_020000.sql.gz; binds from Get-ObsBackup output.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(ObjectNameCompleter))]
    public string ObjectName { get; set; } = "";

    /// <summary><see cref="Help.ParameterTexts.ContentsVerify"/></summary>
    [Parameter]
    public SwitchParameter Verify { get; set; }

    protected override void ProcessInput()
    {
        var options = Configure(() => Resolver.ResolveTest(WithStorage(new SettingOverrides
        {
            IdentityFile = IdentityFilePath, TrustedKeys = TrustedKey,
        }), verifyOnly: true));
        var contents = Run(ct => new ContentsEngine(options, Log).RunAsync(ObjectName, Verify, ct));
        foreach (var table in contents.Tables) WriteObject(table);
    }
}

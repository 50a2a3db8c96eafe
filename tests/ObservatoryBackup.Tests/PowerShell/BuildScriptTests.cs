using System.Management.Automation;

namespace ObservatoryBackup.Tests.PowerShell;

public sealed class BuildScriptTests
{
    [Fact]
    public void Build_ps1_lays_out_a_module_that_imports_as_is()
    {
        var buildScript = Path.Combine(Fixtures.Shell.RepoRoot, "build.ps1");
        // made new: a leftover under a drawn name would hold an older build's files
        var output = Directory.CreateTempSubdirectory("obs-build-").FullName;
        try
        {
            Fixtures.ReleaseBuild.OneAtATime(() =>
            {
                using var session = new ModuleSession();
                session.Invoke($"& '{buildScript}' -Task Build -Configuration Release -OutputPath '{output}'");
            });

            var moduleDir = Path.Combine(output, "ObservatoryBackup", "0.1.0");
            foreach (var file in new[] { "ObservatoryBackup.psd1", "ObservatoryBackup.PowerShell.dll", Path.Combine("Dependencies", "ObservatoryBackup.Core.dll"),
                         Path.Combine("Dependencies", "Npgsql.dll"), Path.Combine("Dependencies", "AWSSDK.S3.dll"),
                         "ObservatoryBackup.format.ps1xml", Path.Combine("en-US", "ObservatoryBackup.PowerShell.dll-Help.xml"),
                         Path.Combine("en-US", "about_ObservatoryBackup.help.txt") })
                Assert.True(File.Exists(Path.Combine(moduleDir, file)), $"{file} missing from the laid-out module");
            Assert.DoesNotContain(Directory.GetFiles(moduleDir, "*", SearchOption.AllDirectories), f => Path.GetFileName(f) == "System.Management.Automation.dll");
            // only the cmdlet assembly beside the manifest: everything else loads in the module's own context
            Assert.Equal(["ObservatoryBackup.PowerShell.dll"], Directory.GetFiles(moduleDir, "*.dll").Select(Path.GetFileName));

            using var runspace = System.Management.Automation.Runspaces.RunspaceFactory.CreateRunspace(
                System.Management.Automation.Runspaces.InitialSessionState.CreateDefault2());
            runspace.Open();
            using var fresh = System.Management.Automation.PowerShell.Create();
            fresh.Runspace = runspace;
            fresh.AddScript($"Import-Module '{Path.Combine(moduleDir, "ObservatoryBackup.psd1")}' -PassThru | ForEach-Object {{ $_.ExportedCmdlets.Keys }}");
            Assert.Equal(["Get-ObsBackup", "Get-ObsBackupContents", "Get-ObsBackupStatus", "Invoke-ObsBackup", "New-ObsAgeKey", "New-ObsCredentialKey", "New-ObsSigningKey", "Protect-ObsBackup", "Restore-ObsBackup", "Test-ObsBackup", "Unprotect-ObsBackup", "Update-ObsCredentialKey"], fresh.Invoke().Select(o => o.ToString()).Order());
            Assert.Empty(fresh.Streams.Error);
        }
        finally
        {
            if (Directory.Exists(output)) Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void Build_ps1_parses_without_errors()
    {
        System.Management.Automation.Language.Parser.ParseFile(Path.Combine(Fixtures.Shell.RepoRoot, "build.ps1"), out _, out var errors);
        Assert.Empty(errors);
    }
}

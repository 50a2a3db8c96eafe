# Another module's versions of the engine's dependencies are already loaded: the module still works.
Describe 'Assembly isolation' {
    It 'backs up and lists with Npgsql 8 and Microsoft.Extensions.Logging.Abstractions 8 loaded first' {
        Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
        $db = New-TestDatabase -Rows 10
        Use-TestEnvironment -Database $db -Bucket (New-TestName 'pester-alc')
        $conflicts = Get-TestSetting CONFLICTS
        $run = Invoke-Pwsh -Command @"
`$ErrorActionPreference = 'Stop'
Add-Type -Path '$conflicts/Microsoft.Extensions.Logging.Abstractions.dll'
Add-Type -Path '$conflicts/Npgsql.dll'
'loaded first: Npgsql ' + [Npgsql.NpgsqlConnection].Assembly.GetName().Version
Import-Module '$env:OBS_TEST_MODULE'
`$backup = Invoke-ObsBackup
'listed: ' + (Get-ObsBackup -Latest).ObjectName
'backed up: ' + `$backup.ObjectName
'engine context: ' + [ObservatoryBackup.PowerShell.ModuleInitializer]::EngineContext.Name
"@
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.Lines | Should -Contain 'loaded first: Npgsql 8.0.5.0'
        $name = ($run.Lines | Where-Object { $_ -like 'backed up: *' }).Substring(11)
        $name | Should -BeLike "postgres/*/${db}_*.sql.gz"
        $run.Lines | Should -Contain "listed: $name"
        $run.Lines | Should -Contain 'engine context: ObservatoryBackup'
    }
}

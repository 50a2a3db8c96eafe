# Shipping: build.ps1 in a real pwsh, the manifest, help, and strict mode.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:cmdlets = @('Get-ObsBackup', 'Get-ObsBackupContents', 'Get-ObsBackupStatus', 'Invoke-ObsBackup', 'New-ObsAgeKey', 'New-ObsCredentialKey', 'New-ObsSigningKey', 'Protect-ObsBackup', 'Restore-ObsBackup', 'Test-ObsBackup', 'Unprotect-ObsBackup', 'Update-ObsCredentialKey')
}

Describe 'Shipping' {
    It 'build.ps1 lays the module out, with its dependencies apart, and the result imports' {
        $out = Join-Path $TestDrive 'out'
        & (Join-Path (Get-TestSetting REPO) 'build.ps1') -OutputPath $out | Out-Null
        $manifest = Join-Path $out 'ObservatoryBackup/0.1.0/ObservatoryBackup.psd1'
        (Test-ModuleManifest $manifest).ExportedCmdlets.Keys | Sort-Object | Should -Be $cmdlets
        Join-Path $out 'ObservatoryBackup/0.1.0/Dependencies/ObservatoryBackup.Core.dll' | Should -Exist
        Join-Path $out 'ObservatoryBackup/0.1.0/ObservatoryBackup.Core.dll' | Should -Not -Exist
        $run = Invoke-Pwsh -Command "Import-Module '$manifest'; (Get-Command -Module ObservatoryBackup).Name | Sort-Object"
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.Lines | Should -Be $cmdlets
    }

    It 'build.ps1 -Task Package makes the tool packages, and dotnet tool install takes the native obs-backup on linux-x64' {
        $out = Join-Path $TestDrive 'pkg'
        & (Join-Path (Get-TestSetting REPO) 'build.ps1') -Task Package -OutputPath $out | Out-Null
        $packages = Join-Path $out 'packages'
        (Get-ChildItem $packages -Filter '*.nupkg').Name | Sort-Object |
            Should -Be @('ObservatoryBackup.Cli.0.1.0.nupkg', 'ObservatoryBackup.Cli.any.0.1.0.nupkg', 'ObservatoryBackup.Cli.linux-x64.0.1.0.nupkg')

        $tools = Join-Path $TestDrive 'tools'
        & dotnet tool install --tool-path $tools --add-source $packages ObservatoryBackup.Cli | Out-Null
        $LASTEXITCODE | Should -Be 0
        $installed = (Get-Item (Join-Path $tools 'obs-backup')).ResolvedTarget
        $installed | Should -Match 'observatorybackup\.cli\.linux-x64'
        # a native executable, not the dotnet host's shim of a portable build
        [System.IO.File]::ReadAllBytes($installed)[0..3] | Should -Be @(0x7F, 0x45, 0x4C, 0x46)
        $help = & (Join-Path $tools 'obs-backup') --help
        $LASTEXITCODE | Should -Be 0
        $help -join "`n" | Should -Match 'obs-backup \[command\] \[options\]'
    }

    It 'has a valid manifest' {
        $manifest = Test-ModuleManifest $env:OBS_TEST_MODULE
        $manifest.Version | Should -Be '0.1.0'
        $manifest.ExportedCmdlets.Keys | Sort-Object | Should -Be $cmdlets
    }

    It 'shows examples and parameter help for <_> with Get-Help -Full' -ForEach @('Get-ObsBackup', 'Get-ObsBackupContents', 'Get-ObsBackupStatus', 'Invoke-ObsBackup', 'New-ObsAgeKey', 'New-ObsCredentialKey', 'New-ObsSigningKey', 'Protect-ObsBackup', 'Restore-ObsBackup', 'Test-ObsBackup', 'Unprotect-ObsBackup', 'Update-ObsCredentialKey') {
        $help = Get-Help $_ -Full
        @($help.examples.example).Count | Should -BeGreaterThan 0
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match '^\s*\S+ \['   # a synopsis of its own, not the generated syntax
        foreach ($parameter in (Get-Command $_).Parameters.Values | Where-Object { $_.Name -notin [System.Management.Automation.PSCmdlet]::CommonParameters -and $_.Name -notin [System.Management.Automation.PSCmdlet]::OptionalCommonParameters }) {
            ($help.parameters.parameter | Where-Object name -eq $parameter.Name).description | Should -Not -BeNullOrEmpty -Because "-$($parameter.Name) needs help"
        }
    }

    It 'has the about topic' {
        (Get-Help about_ObservatoryBackup | Out-String) | Should -Match 'OBJECT NAMES'
    }

    It 'imports and runs under Set-StrictMode -Version Latest' {
        Use-TestEnvironment -Database (New-TestDatabase -Rows 10) -Bucket (New-TestName 'pester-strict')
        $run = Invoke-Pwsh -Command "Set-StrictMode -Version Latest; `$ErrorActionPreference = 'Stop'; Import-Module '$env:OBS_TEST_MODULE'; `$b = Invoke-ObsBackup; @(Get-ObsBackup).Count; `$b.DryRun"
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $run.StdErr | Should -BeNullOrEmpty
        $run.Lines | Should -Be @('1', 'False')
    }
}

# Cron and scheduled tasks: pwsh -Command and pwsh -File, JSON lines on stdout, the exit code.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $script:db = New-TestDatabase -Rows 50
    Use-TestEnvironment -Database $db -Bucket (New-TestName 'pester-cron')
    $env:OBS_LOG_FORMAT = 'json'

    function Assert-JsonLines($run) {
        $run.Lines.Count | Should -BeGreaterOrEqual 2
        foreach ($line in $run.Lines) {
            $line | Should -Match '^\{"timestamp": "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "level": "(INFO|WARNING|ERROR)", "event": "[a-z_]+"'
            { $line | ConvertFrom-Json } | Should -Not -Throw
        }
        $run.Lines[-1] | ConvertFrom-Json
    }
}
AfterAll { $env:OBS_LOG_FORMAT = $null }

Describe 'A cron line' {
    It 'writes only JSON lines, ends with backup_finished success, and exits 0 (pwsh -Command)' {
        $run = Invoke-Pwsh -Command 'Invoke-ObsBackup | Out-Null'
        $run.ExitCode | Should -Be 0 -Because $run.StdErr
        $last = Assert-JsonLines $run
        ($last.event, $last.status) | Should -Be @('backup_finished', 'success')
        $run.StdErr | Should -BeNullOrEmpty
    }

    It 'logs a failed backup_finished and exits non-zero when the password is wrong' {
        $run = Invoke-Pwsh -Environment @{ DATABASE_URL = (Get-TestDatabaseUrl $db -Password 'wrong') } -Command 'Invoke-ObsBackup | Out-Null'
        $run.ExitCode | Should -Not -Be 0
        $last = Assert-JsonLines $run
        ($last.event, $last.level, $last.status, $last.error_id) | Should -Be @('backup_finished', 'ERROR', 'failed', 'DatabaseAuthenticationFailed')
        $run.StdErr | Should -Match 'refused user'
        $run.StdOut + $run.StdErr | Should -Not -Match ([regex]::Escape((Get-TestSetting PG_PASSWORD)))
    }

    It 'logs a failed backup_finished and exits non-zero when the store is unreachable' {
        $run = Invoke-Pwsh -Environment @{ MINIO_ENDPOINT = '127.0.0.1:1' } -Command 'Invoke-ObsBackup | Out-Null'
        $run.ExitCode | Should -Not -Be 0
        (Assert-JsonLines $run).error_id | Should -Be 'StorageUnreachable'
    }

    It 'behaves the same from a script file that stops on errors (pwsh -File), as the README shows' {
        $script = Join-Path $TestDrive 'nightly.ps1'
        Set-Content $script "`$ErrorActionPreference = 'Stop'`nInvoke-ObsBackup | Out-Null"
        Start-Sleep -Milliseconds 1100
        $ok = Invoke-Pwsh -File $script
        $ok.ExitCode | Should -Be 0 -Because $ok.StdErr
        (Assert-JsonLines $ok).status | Should -Be 'success'

        $failed = Invoke-Pwsh -File $script -Environment @{ MINIO_ENDPOINT = '127.0.0.1:1' }
        $failed.ExitCode | Should -Be 1
        (Assert-JsonLines $failed).status | Should -Be 'failed'
    }

    It 'still logs the failure from a script that does not stop on errors (pwsh -File exits 0 then, as for any cmdlet)' {
        $script = Join-Path $TestDrive 'lenient.ps1'
        Set-Content $script 'Invoke-ObsBackup | Out-Null'
        $failed = Invoke-Pwsh -File $script -Environment @{ MINIO_ENDPOINT = '127.0.0.1:1' }
        (Assert-JsonLines $failed).status | Should -Be 'failed'
        $failed.StdErr | Should -Match 'Cannot reach the object store'
    }
}

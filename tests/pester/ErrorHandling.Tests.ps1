# CI scripts: errors are records with stable ids and categories, and the usual knobs work.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    Use-TestEnvironment -Database (New-TestDatabase -Rows 10) -Bucket (New-TestName 'pester-ci')
    Invoke-ObsBackup | Out-Null # so the bucket exists: listing a missing bucket is an error of its own
}

Describe 'Errors in CI scripts' {
    It 'reach try/catch under $ErrorActionPreference = Stop with a stable FullyQualifiedErrorId and category' {
        $ErrorActionPreference = 'Stop'
        $caught = $null
        try { Get-ObsBackup -Endpoint 127.0.0.1:1 } catch { $caught = $_ }
        $caught | Should -Not -BeNullOrEmpty
        $caught.FullyQualifiedErrorId | Should -Be 'StorageUnreachable,ObservatoryBackup.PowerShell.GetObsBackupCommand'
        $caught.CategoryInfo.Category | Should -Be 'ConnectionError'
        $caught.TargetObject | Should -Be '127.0.0.1:1'
    }

    It 'reach try/catch with -ErrorAction Stop, as configuration errors naming the parameter' {
        $caught = $null
        try { Invoke-ObsBackup -DatabaseUrl 'mysql://nope' -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'InvalidConfiguration,ObservatoryBackup.PowerShell.InvokeObsBackupCommand'
        $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
        $caught.TargetObject | Should -Be '-DatabaseUrl'
        "$caught" | Should -Match '^-DatabaseUrl is not a valid PostgreSQL URL'
    }

    It 'are silenced by -ErrorAction SilentlyContinue and kept by -ErrorVariable, with $? false' {
        $e = $null
        $output = Get-ObsBackup -Endpoint 127.0.0.1:1 -ErrorAction SilentlyContinue -ErrorVariable e
        $succeeded = $?
        $succeeded | Should -BeFalse
        $output | Should -BeNullOrEmpty
        $e.Count | Should -Be 1
        $e[0].FullyQualifiedErrorId | Should -BeLike 'StorageUnreachable,*'
    }

    It 'print nothing when silenced, in a fresh pwsh' {
        # the listing's retries are warnings (each one logged, as every store request's is); -WarningAction silences those
        $run = Invoke-Pwsh -Command 'Get-ObsBackup -Endpoint 127.0.0.1:1 -ErrorAction SilentlyContinue -WarningAction SilentlyContinue -ErrorVariable e; "caught $($e.Count)"'
        $run.StdErr | Should -BeNullOrEmpty
        $run.Lines | Should -Be @('caught 1')
    }

    It 'show each retry of a listing as a warning' {
        $run = Invoke-Pwsh -Command 'Get-ObsBackup -Endpoint 127.0.0.1:1 -ErrorAction SilentlyContinue 3>&1 | ForEach-Object { "$_" }'
        @($run.Lines | Where-Object { $_ -like 'storage_retry attempt=*' }).Count | Should -Be 4
    }

    It 'set $LASTEXITCODE for whoever runs pwsh' {
        $null = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command 'Get-ObsBackup -Endpoint 127.0.0.1:1' 2>&1
        $LASTEXITCODE | Should -Be 1
        $null = & (Join-Path $PSHOME 'pwsh') -NoProfile -NonInteractive -Command 'Get-ObsBackup | Out-Null'
        $LASTEXITCODE | Should -Be 0
    }
}

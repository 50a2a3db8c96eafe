# Pins as a pwsh user sets them: through the pipeline, shown by Get-ObsBackup, honoured by retention.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:db = New-TestDatabase -Rows 3
    Use-TestEnvironment -Database $db -Bucket (New-TestName 'pester-pins')
    $script:first = Invoke-ObsBackup -ErrorAction Stop
}

Describe 'Protect-ObsBackup and Unprotect-ObsBackup' {
    It 'pin through the pipeline, and Get-ObsBackup shows the pin' {
        $pinned = Get-ObsBackup -Latest | Protect-ObsBackup -ErrorAction Stop
        $pinned.Pinned | Should -BeTrue
        (Get-ObsBackup | Where-Object Pinned).ObjectName | Should -Be $first.ObjectName
    }

    It 'keep a pinned backup through retention that would delete it' {
        Start-Sleep -Seconds 1.1
        $second = Invoke-ObsBackup -KeepLast 1 -RetentionDays 0 -ErrorAction Stop
        $second.Pruned | Should -BeNullOrEmpty
        (Get-ObsBackup).Count | Should -Be 2
    }

    It 'unpin with -WhatIf changing nothing, then for real' {
        Unprotect-ObsBackup $first.ObjectName -WhatIf
        (Get-ObsBackup | Where-Object Pinned).Count | Should -Be 1
        Unprotect-ObsBackup $first.ObjectName -Confirm:$false -ErrorAction Stop
        (Get-ObsBackup | Where-Object Pinned) | Should -BeNullOrEmpty
    }

    It 'refuse to pin a backup that does not exist' {
        { Protect-ObsBackup 'postgres/2020/01/01/nothing_20200101_000000.sql.gz' -ErrorAction Stop } | Should -Throw -ErrorId 'BackupNotFound,*'
    }
}

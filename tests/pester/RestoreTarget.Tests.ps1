# A backup from the pipeline goes only into its own database unless the target is named; -Latest is the target's own newest.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:target = New-TestDatabase -Rows 5
    $script:other = New-TestDatabase -Rows 9
    Use-TestEnvironment -Database $target -Bucket (New-TestName 'pester-target')
    $script:ownBackup = Invoke-ObsBackup -ErrorAction Stop
    # names carry whole seconds: the other database's backup is the bucket's newest
    Start-Sleep -Milliseconds 1100
    $script:otherBackup = Invoke-ObsBackup -DatabaseUrl (Get-TestDatabaseUrl $other) -ErrorAction Stop
    Invoke-Psql $target 'INSERT INTO items VALUES (1000, ''after the backup'')' | Out-Null
}

Describe 'Restore-ObsBackup and the database it restores into' {
    It 'refuses a piped backup of another database, naming both and how to ask for it' {
        (Get-ObsBackup -Latest).Database | Should -Be $other
        foreach ($pipeline in { Get-ObsBackup -Latest | Restore-ObsBackup -Force -ErrorAction Stop },
                              { Get-ObsBackup | Select-Object -First 1 | Restore-ObsBackup -Force -ErrorAction Stop }) {
            $caught = $null
            try { & $pipeline } catch { $caught = $_ }
            $caught.FullyQualifiedErrorId | Should -Be 'BackupOfAnotherDatabase,ObservatoryBackup.PowerShell.RestoreObsBackupCommand'
            $caught.CategoryInfo.Category | Should -Be 'InvalidArgument'
            "$caught" | Should -Match ([regex]::Escape("database `"$other`""))
            "$caught" | Should -Match ([regex]::Escape("database `"$target`""))
            "$caught" | Should -Match '-TargetDatabase'
        }
        $caught = $null
        try { Restore-ObsBackup -Latest -Database $other -Force -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'BackupOfAnotherDatabase,ObservatoryBackup.PowerShell.RestoreObsBackupCommand'
        Get-RowCount $target | Should -Be 6
    }

    It 'takes the target''s own newest backup with -Latest' {
        $restored = Restore-ObsBackup -Latest -Force -ErrorAction Stop
        $restored.ObjectName | Should -Be $ownBackup.ObjectName
        $restored.Database | Should -Be $target
        Get-RowCount $target | Should -Be 5
    }

    It 'restores a piped backup of another database into a target named, leaving DATABASE_URL''s database untouched' {
        $copy = New-TestName 'pester-copy'
        $run = Invoke-Pwsh -Command "Get-ObsBackup -Latest | Restore-ObsBackup -TargetDatabase '$copy' -WhatIf"
        $run.ExitCode | Should -Be 0
        $run.Lines | Where-Object { $_ -like "What if:*backup of database `"$other`" into database `"$copy`"*" } | Should -Not -BeNullOrEmpty
        $restored = Get-ObsBackup -Latest | Restore-ObsBackup -TargetDatabase $copy -Force -ErrorAction Stop
        $restored.Database | Should -Be $copy
        Get-RowCount $copy | Should -Be 9
        Get-RowCount $target | Should -Be 5
    }

    It 'restores a backup named by the user where DATABASE_URL points, logging a backup of X into Y' {
        $restored = Restore-ObsBackup -ObjectName $otherBackup.ObjectName -Force -InformationVariable info -ErrorAction Stop
        $restored.Database | Should -Be $target
        Get-RowCount $target | Should -Be 9
        $into = @($info | Where-Object { $_.Tags -contains 'restore_into' })
        $into.Count | Should -Be 1
        $into[0].MessageData['backup_database'] | Should -Be $other
        $into[0].MessageData['database'] | Should -Be $target
        $into[0].MessageData['chosen'] | Should -Be 'named'
    }
}

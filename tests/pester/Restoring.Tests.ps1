# Restoring and testing as scripts do: credentials kept out of URLs, backups chosen by database.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:db = New-TestDatabase -Rows 12
    Use-TestEnvironment -Database $db -Bucket (New-TestName 'pester-restoring')
    $script:backup = Invoke-ObsBackup
    # a URL without user or password, as a script can now write it
    $script:bareUrl = "postgresql://$(Get-TestSetting PG_HOST):$(Get-TestSetting PG_PORT)/$db"
    $script:credential = [pscredential]::new((Get-TestSetting PG_USER), (ConvertTo-SecureString (Get-TestSetting PG_PASSWORD) -AsPlainText -Force))
}

Describe 'Restoring cmdlets' {
    It 'take -DatabaseCredential, so that no password is written into the URL' {
        $env:DATABASE_URL = $null
        # backup names have a second's resolution: the one BeforeAll took must not share this one's second
        Start-Sleep -Milliseconds (1050 - [DateTime]::UtcNow.Millisecond)
        try {
            $taken = Invoke-ObsBackup -DatabaseUrl $bareUrl -DatabaseCredential $credential -ErrorAction Stop
            $tested = Test-ObsBackup $taken.ObjectName -DatabaseUrl $bareUrl -DatabaseCredential $credential -ErrorAction Stop
            $tested.Passed | Should -BeTrue
            $tested.Rows | Should -Be 12
        }
        finally { Use-TestEnvironment -Database $db -Bucket $env:MINIO_BUCKET }
    }

    It 'refuse a wrong credential without showing its password' {
        $wrong = [pscredential]::new((Get-TestSetting PG_USER), (ConvertTo-SecureString 'not-the-password-9731' -AsPlainText -Force))
        $caught = $null
        try { Invoke-ObsBackup -DatabaseUrl $bareUrl -DatabaseCredential $wrong -ErrorAction Stop } catch { $caught = $_ }
        $caught.CategoryInfo.Category | Should -Be 'AuthenticationError'
        "$caught" | Should -Not -Match 'not-the-password-9731'
    }

    It 'bind -Database to the database whose newest backup they take, not to -DatabaseUrl' {
        (Get-Command Test-ObsBackup).Parameters['Database'] | Should -Not -BeNullOrEmpty
        $newest = Get-ObsBackup -Database $db -Latest
        $result = Test-ObsBackup -Database $db -VerifyOnly -ErrorAction Stop
        $result.ObjectName | Should -Be $newest.ObjectName
        (Test-ObsBackup -Latest -VerifyOnly -ErrorAction Stop).ObjectName | Should -Be (Get-ObsBackup -Latest).ObjectName
    }

    It 'restore the newest backup of -Database into the database -DatabaseUrl names' {
        $target = New-TestName 'pester-target'
        $restored = Restore-ObsBackup -Database $db -DatabaseUrl (Get-TestDatabaseUrl $target) -Confirm:$false -ErrorAction Stop
        $restored.ObjectName | Should -Be (Get-ObsBackup -Database $db -Latest).ObjectName
        Get-RowCount $target | Should -Be 12
    }

    It 'say which database has no backup' {
        $caught = $null
        try { Test-ObsBackup -Database 'no-such-db' -VerifyOnly -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -Be 'NoBackups,ObservatoryBackup.PowerShell.TestObsBackupCommand'
        "$caught" | Should -Match 'no backup of database "no-such-db"'
    }
}

# Encrypted backups as a pwsh user makes them: a key pair from New-ObsAgeKey, a backup to its
# recipient, a pipeline restore with the identity file, and the errors a missing key gives.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:db = New-TestDatabase -Rows 9
    Use-TestEnvironment -Database $db -Bucket (New-TestName 'pester-encrypted')
    # a directory made new, never one of the temp directory's leftovers under a name drawn again
    $script:keyDir = [IO.Directory]::CreateTempSubdirectory('pester-age-').FullName
}

AfterAll {
    Remove-Item -Recurse -Force $keyDir -ErrorAction SilentlyContinue
}

Describe 'New-ObsAgeKey' {
    It 'writes an owner-only identity file and returns its recipient' {
        $key = New-ObsAgeKey -Path (Join-Path $keyDir 'first.agekey')
        $key.Recipient | Should -Match '^age1[a-z0-9]{58}$'
        $key.IdentityFile | Should -Be (Join-Path $keyDir 'first.agekey')
        (Get-Item $key.IdentityFile).UnixFileMode | Should -Be ([IO.UnixFileMode]'UserRead, UserWrite')
        Get-Content $key.IdentityFile | Should -Contain "# public key: $($key.Recipient)"
    }

    It 'never replaces a key without -Force, and -WhatIf writes nothing' {
        $path = Join-Path $keyDir 'kept.agekey'
        $first = New-ObsAgeKey -Path $path
        { New-ObsAgeKey -Path $path -ErrorAction Stop } | Should -Throw -ErrorId 'AgeKeyFileExists,*'
        Get-Content $path | Should -Contain "# public key: $($first.Recipient)"
        New-ObsAgeKey -Path (Join-Path $keyDir 'not-written.agekey') -WhatIf
        Join-Path $keyDir 'not-written.agekey' | Should -Not -Exist
        (New-ObsAgeKey -Path $path -Force).Recipient | Should -Not -Be $first.Recipient
    }
}

Describe 'Encrypted backups' {
    BeforeAll {
        $script:key = New-ObsAgeKey -Path (Join-Path $keyDir 'backup.agekey')
        $script:backup = Invoke-ObsBackup -Recipient $key.Recipient -ErrorAction Stop
    }

    It 'are named .age and listed as encrypted' {
        $backup.ObjectName | Should -BeLike '*.sql.gz.age'
        (Get-ObsBackup -Latest).Encrypted | Should -BeTrue
    }

    It 'restore through the pipeline with -IdentityFile' {
        $target = New-TestName 'pester-age-target'
        Get-ObsBackup -Latest | Restore-ObsBackup -IdentityFile $key.IdentityFile -DatabaseUrl (Get-TestDatabaseUrl $target) -Confirm:$false -ErrorAction Stop | Out-Null
        Get-RowCount $target | Should -Be 9
        $tested = Get-ObsBackup -Latest | Test-ObsBackup -IdentityFile $key.IdentityFile -VerifyOnly -ErrorAction Stop
        $tested.Manifest | Should -Be 'verified'
    }

    It 'without an identity file fail naming -IdentityFile, before anything starts' {
        $caught = $null
        try { Get-ObsBackup -Latest | Test-ObsBackup -VerifyOnly -ErrorAction Stop } catch { $caught = $_ }
        $caught.FullyQualifiedErrorId | Should -BeLike 'MissingConfiguration,*'
        "$caught" | Should -Match '-IdentityFile'
    }
}

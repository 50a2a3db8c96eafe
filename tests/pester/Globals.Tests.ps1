# The server's globals as a pwsh user meets them: one more object in Get-ObsBackup, and a pipeline
# that restores roles before the databases that name them.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:db = New-TestDatabase -Rows 7
    $script:role = ($db -replace '-', '_') + '_owner'
    Invoke-Psql postgres "CREATE ROLE $role NOLOGIN CONNECTION LIMIT 2" | Out-Null
    Invoke-Psql $db "ALTER TABLE items OWNER TO $role" | Out-Null
    Use-TestEnvironment -Database $db -Bucket (New-TestName 'pester-globals')
    $script:results = Invoke-ObsBackup -IncludeGlobals -ErrorAction Stop
}

Describe 'Invoke-ObsBackup -IncludeGlobals and Restore-ObsBackup of the globals' {
    It 'writes the globals first, then the database, each its own object' {
        $results.Count | Should -Be 2
        $results[0].ObjectName | Should -Match '/%globals_\d{8}_\d{6}\.sql\.gz$'
        $results[1].Database | Should -Be $db
    }

    It 'lists the globals as such' {
        $globals = Get-ObsBackup | Where-Object Globals
        @($globals).Count | Should -Be 1
        $globals.Database | Should -Be ''
    }

    It 'says with -WhatIf that a globals restore touches roles, not a database' {
        $run = Invoke-Pwsh -Command 'Get-ObsBackup | Where-Object Globals | Restore-ObsBackup -WhatIf'
        $run.ExitCode | Should -Be 0
        $run.Lines | Should -Contain ($run.Lines | Where-Object { $_ -like 'What if: Performing the operation "Restore globals*" on target "the roles and tablespaces of*' })
    }

    It 'restores roles before the database that names them, in one pipeline' {
        Invoke-Psql postgres "DROP DATABASE `"$db`"" | Out-Null
        Invoke-Psql postgres "DROP ROLE $role" | Out-Null

        $restored = Get-ObsBackup | Restore-ObsBackup -Force -ErrorAction Stop

        $restored[0].Mode | Should -Be 'Globals'
        $restored[0].RolesCreated | Should -Contain $role
        $restored[1].Database | Should -Be $db
        Get-RowCount $db | Should -Be 7
        Invoke-Psql $db "SELECT tableowner FROM pg_tables WHERE tablename = 'items'" | Should -Be $role
        Invoke-Psql postgres "SELECT rolconnlimit FROM pg_roles WHERE rolname = '$role'" | Should -Be '2'
    }
}

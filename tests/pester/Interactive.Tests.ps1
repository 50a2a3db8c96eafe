# Interactive use: what a person at a pwsh prompt sees and types.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force
    $script:db = New-TestDatabase -Rows 100
    $script:bucket = New-TestName 'pester-bkt'
    Use-TestEnvironment -Database $db -Bucket $bucket
    $script:older = Invoke-ObsBackup
    Invoke-Psql $db "INSERT INTO items SELECT g, 'later ' || g FROM generate_series(101, 150) g" | Out-Null
    Start-Sleep -Milliseconds 1100 # names have one-second resolution
    $script:newest = Invoke-ObsBackup
}

Describe 'Interactive use' {
    It 'pipes the newest listing through Select-Object into a restore' {
        $target = New-TestName 'pester-restored'
        $result = Get-ObsBackup | Select-Object -First 1 | Restore-ObsBackup -DatabaseUrl (Get-TestDatabaseUrl $target) -Confirm:$false
        $result.ObjectName | Should -Be $newest.ObjectName
        Get-RowCount $target | Should -Be 150
    }

    It 'shows database, age, size, encrypted, signed and pinned whole at 120 columns, then the name' {
        $lines = @((Get-ObsBackup | Format-Table | Out-String -Width 120) -split "`n" | Where-Object { $_.Trim() })
        $lines[0] | Should -Match '^Database\s+Age\s+Size Encrypted Signed Pinned Object name$'
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 120 }
        $row = $lines | Where-Object { $_.StartsWith($db + ' ') } | Select-Object -First 1
        $size = [ObservatoryBackup.PowerShell.DisplayUnits]::Size($newest.Size)
        $row | Should -Match ('^' + [regex]::Escape($db) + '\s+\d+(\.\d+)? (s|min)( \d+ s)?\s+' + [regex]::Escape($size) + '\s+False\s+False\s+False\s+postgres/')
        # the name, last, whole where the line has room for it
        $fits = $lines | Where-Object { $_.EndsWith($newest.ObjectName) }
        if (($lines[0].IndexOf('Object name') + $newest.ObjectName.Length) -le 120) { $fits | Should -Not -BeNullOrEmpty }
    }

    It 'keeps database, age and size whole at 80 columns' {
        $lines = @((Get-ObsBackup | Out-String -Width 80) -split "`n" | Where-Object { $_.Trim() })
        $lines | ForEach-Object { $_.Length | Should -BeLessOrEqual 80 }
        $row = $lines | Where-Object { $_.StartsWith($db + ' ') } | Select-Object -First 1
        $row | Should -Match ('^' + [regex]::Escape($db) + '\s+\S.*\s+' + [regex]::Escape([ObservatoryBackup.PowerShell.DisplayUnits]::Size($newest.Size)))
    }

    It 'shows the status in human units, its backups by name, under Format-List *' {
        $text = Get-ObsBackupStatus -Database $db | Format-List * | Out-String -Width 200
        $text | Should -Not -Match 'StoredBackup \{'
        $text | Should -Match ('Newest\s+: ' + [regex]::Escape($newest.ObjectName))
        $text | Should -Match 'NewestAgeText\s+: \d+(\.\d+)? (s|min)'
        $text | Should -Match 'TotalSizeText\s+: \d+(\.\d)? (KiB|MiB)'
        (Get-ObsBackupStatus -Database $db | Out-String) | Should -Match 'NewestAge\s+: \d+(\.\d+)? (s|min)'
    }

    It 'says in -WhatIf each backup retention deletes and counts the kept ones in one line' {
        $run = Invoke-Pwsh -Command 'Invoke-ObsBackup -WhatIf | Out-Null'
        $run.ExitCode | Should -Be 0
        $kept = @($run.Lines | Where-Object { $_ -like 'What if: Performing the operation "Keep" on target "*' })
        $kept.Count | Should -Be 1
        $kept[0] | Should -Match '"2 backups \(.+\)"'
        @($run.Lines | Where-Object { $_ -like '*Keep backup*' }).Count | Should -Be 0
    }

    It 'says what -WhatIf would do, and does nothing' {
        $run = Invoke-Pwsh -Command 'Invoke-ObsBackup -WhatIf | Out-Null'
        $run.ExitCode | Should -Be 0
        $run.Lines | Should -Contain ($run.Lines | Where-Object { $_ -like 'What if: Performing the operation "Back up database*' })
        @(Get-ObsBackup).Count | Should -Be 2
    }

    It 'asks before restoring, and a "no" changes nothing' {
        $before = Get-RowCount $db
        Invoke-Psql $db "INSERT INTO items VALUES (1000, 'not in any backup')" | Out-Null
        $no = Invoke-Pwsh -Interactive -InputText "N`n" -Command "Restore-ObsBackup '$($older.ObjectName)'"
        $no.StdOut | Should -Match 'Are you sure you want to perform this action\?'
        $no.StdOut | Should -Match ([regex]::Escape($older.ObjectName))
        Get-RowCount $db | Should -Be ($before + 1)

        $yes = Invoke-Pwsh -Interactive -InputText "Y`n" -Command "Restore-ObsBackup '$($older.ObjectName)' | Out-Null"
        $yes.ExitCode | Should -Be 0
        Get-RowCount $db | Should -Be 100
    }

    It 'refuses to prompt in a non-interactive session rather than restore unasked' {
        $run = Invoke-Pwsh -Command "Restore-ObsBackup '$($newest.ObjectName)'"
        $run.ExitCode | Should -Not -Be 0
        $run.StdErr | Should -Match 'NonInteractive'
        Get-RowCount $db | Should -Be 100
    }

    It 'completes -ObjectName from the bucket' {
        $line = 'Restore-ObsBackup -ObjectName '
        $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
        $completion.CompletionMatches.CompletionText | Should -Contain $newest.ObjectName
        $completion.CompletionMatches.CompletionText | Should -Contain $older.ObjectName
    }

    It 'completes -Database from the databases on the server' {
        foreach ($line in 'Get-ObsBackup -Database ', 'Test-ObsBackup -Database ', 'Get-ObsBackupStatus -Database ') {
            $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
            $completion.CompletionMatches.CompletionText | Should -Contain $db
            $completion.CompletionMatches.CompletionText | Should -Not -Contain 'template0'
        }
    }

    It 'gives up completing within two seconds when the server or store does not answer' {
        $silent = [System.Net.Sockets.TcpListener]::new([ipaddress]::Loopback, 0)
        $silent.Start(64) # the kernel accepts; nobody answers
        try {
            $port = $silent.LocalEndpoint.Port
            foreach ($line in "Test-ObsBackup -DatabaseUrl 'postgresql://u:p@127.0.0.1:$port/x' -Database ", "Restore-ObsBackup -Endpoint 127.0.0.1:$port -ObjectName ") {
                $clock = [Diagnostics.Stopwatch]::StartNew()
                $completion = TabExpansion2 -inputScript $line -cursorColumn $line.Length
                $clock.Elapsed.TotalSeconds | Should -BeLessThan 2.5
                @($completion.CompletionMatches | Where-Object ResultType -eq 'ParameterValue').Count | Should -Be 0
            }
        }
        finally { $silent.Stop() }
    }

    It 'takes -MaxAge as the CLI does (26h) and as a TimeSpan' {
        (Get-ObsBackupStatus -MaxAge 26h -ErrorAction Stop).MaxAge | Should -Be ([timespan]::FromHours(26))
        (Get-ObsBackupStatus -MaxAge ([timespan]::FromMinutes(90)) -ErrorAction Stop).MaxAge | Should -Be ([timespan]::FromMinutes(90))
        { Get-ObsBackupStatus -MaxAge 'soon' -ErrorAction Stop } | Should -Throw -ExpectedMessage "*'soon' is not a duration*"
    }

    It 'keeps progress out of redirected output' {
        $other = New-TestDatabase -Rows 20000
        $run = Invoke-Pwsh -Environment @{ DATABASE_URL = (Get-TestDatabaseUrl $other) } -Command 'Invoke-ObsBackup | Select-Object ObjectName, Size | ConvertTo-Json -Compress'
        $run.ExitCode | Should -Be 0
        $run.StdOut | Should -Not -Match "`e"
        ($run.StdOut | ConvertFrom-Json).ObjectName | Should -BeLike "postgres/*/$other*"
    }
}

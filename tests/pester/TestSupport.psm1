# Helpers for the Pester suites. The xunit driver (tests/ObservatoryBackup.Tests/Pester/PesterSuites.cs)
# starts the real PostgreSQL and S3 servers and hands them over in OBS_TEST_* variables; the laid-out
# module is on PSModulePath, so child pwsh processes find it as a user's cron line would.
Set-StrictMode -Version Latest

function Get-TestSetting([string] $Name) {
    $value = [Environment]::GetEnvironmentVariable("OBS_TEST_$Name")
    if (-not $value) { throw "OBS_TEST_$Name is not set: run the Pester suites through 'dotnet test' (see README, Tests)." }
    $value
}

function New-TestName([string] $Prefix) { "$Prefix-$([guid]::NewGuid().ToString('N').Substring(0, 8))" }

function Invoke-Psql {
    param([Parameter(Mandatory)] [string] $Database, [Parameter(Mandatory)] [string] $Sql)
    $env:PGPASSWORD = Get-TestSetting PG_PASSWORD
    try {
        $out = & (Join-Path (Get-TestSetting PGBIN) psql) -X -q -t -A -v ON_ERROR_STOP=1 `
            -h (Get-TestSetting PG_HOST) -p (Get-TestSetting PG_PORT) -U (Get-TestSetting PG_USER) -d $Database -c $Sql 2>&1
        if ($LASTEXITCODE -ne 0) { throw "psql failed on ${Database}: $out" }
        $out
    }
    finally { Remove-Item Env:PGPASSWORD }
}

function Get-TestDatabaseUrl([string] $Database, [string] $Password = (Get-TestSetting PG_PASSWORD)) {
    $user = [uri]::EscapeDataString((Get-TestSetting PG_USER))
    "postgresql://${user}:$([uri]::EscapeDataString($Password))@$(Get-TestSetting PG_HOST):$(Get-TestSetting PG_PORT)/$([uri]::EscapeDataString($Database))"
}

function New-TestDatabase([int] $Rows = 100) {
    # every suite's databases share the prefix in one cluster: eight random hex digits alone could repeat (about one run in 40 million)
    do {
        $db = New-TestName 'pester'
        $taken = [int] (Invoke-Psql postgres "SELECT count(*) FROM pg_database WHERE datname = '$db'")
    } while ($taken)
    Invoke-Psql postgres "CREATE DATABASE `"$db`"" | Out-Null
    Invoke-Psql $db "CREATE TABLE items (id int PRIMARY KEY, label text); INSERT INTO items SELECT g, 'item ' || g FROM generate_series(1, $Rows) g" | Out-Null
    $db
}

function Get-RowCount([string] $Database) { [int] (Invoke-Psql $Database 'SELECT count(*) FROM items') }

# Points this session's environment (and so its children's) at a database and a bucket, as a job's environment would.
function Use-TestEnvironment([string] $Database, [string] $Bucket) {
    $env:DATABASE_URL = Get-TestDatabaseUrl $Database
    $env:MINIO_ENDPOINT = Get-TestSetting S3_ENDPOINT
    $env:MINIO_ACCESS_KEY = Get-TestSetting S3_ACCESS_KEY
    $env:MINIO_SECRET_KEY = Get-TestSetting S3_SECRET_KEY
    $env:MINIO_BUCKET = $Bucket
    $env:MINIO_SECURE = 'false'
    $env:OBS_PG_DUMP = Get-TestSetting PGBIN
    $env:OBS_PSQL = Get-TestSetting PGBIN
    $env:OBS_LOG_FORMAT = $null
}

# Runs a fresh pwsh, as cron or a CI step would; returns its exit code, stdout lines and stderr.
function Invoke-Pwsh {
    param(
        [string] $Command,
        [string] $File,
        [hashtable] $Environment = @{},
        [string] $InputText,
        [switch] $Interactive,
        [int] $TimeoutSeconds = 120
    )
    $start = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
    foreach ($a in @('-NoProfile') + $(if (-not $Interactive) { '-NonInteractive' }) + $(if ($File) { '-File', $File } else { '-Command', $Command })) {
        $start.ArgumentList.Add($a)
    }
    $start.RedirectStandardOutput = $true
    $start.RedirectStandardError = $true
    $start.RedirectStandardInput = $true
    foreach ($key in $Environment.Keys) {
        if ($null -eq $Environment[$key]) { [void] $start.Environment.Remove($key) } else { $start.Environment[$key] = [string] $Environment[$key] }
    }
    $process = [System.Diagnostics.Process]::Start($start)
    $stdout = $process.StandardOutput.ReadToEndAsync()
    $stderr = $process.StandardError.ReadToEndAsync()
    if ($InputText) { $process.StandardInput.Write($InputText) }
    $process.StandardInput.Close()
    if (-not $process.WaitForExit($TimeoutSeconds * 1000)) { $process.Kill($true); throw "pwsh did not finish in $TimeoutSeconds s" }
    [pscustomobject]@{
        ExitCode = $process.ExitCode
        StdOut   = $stdout.Result
        Lines    = @($stdout.Result -split "`r?`n" | Where-Object { $_ })
        StdErr   = $stderr.Result
    }
}

Export-ModuleMember -Function *

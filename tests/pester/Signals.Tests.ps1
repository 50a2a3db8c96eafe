# docker stop: SIGTERM to the pwsh running a backup cleans up as Ctrl+C does.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    $dependencies = Join-Path (Split-Path $env:OBS_TEST_MODULE) 'Dependencies'
    # the store's own view of unfinished uploads, through the SDK the module ships (not the module)
    Add-Type -Path (Join-Path $dependencies 'AWSSDK.Core.dll'), (Join-Path $dependencies 'AWSSDK.S3.dll')
    $config = [Amazon.S3.AmazonS3Config]::new()
    $config.ServiceURL = 'http://' + (Get-TestSetting S3_ENDPOINT); $config.ForcePathStyle = $true; $config.UseHttp = $true; $config.AuthenticationRegion = 'us-east-1'
    $script:s3 = [Amazon.S3.AmazonS3Client]::new((Get-TestSetting S3_ACCESS_KEY), (Get-TestSetting S3_SECRET_KEY), $config)
    function Get-UnfinishedUploads([string] $Bucket) {
        # the SDK leaves an empty list null, and @($null).Count is 1
        try { $uploads = $s3.ListMultipartUploadsAsync($Bucket).GetAwaiter().GetResult().MultipartUploads } catch { $uploads = $null }
        if ($uploads) { $uploads.Count } else { 0 }
    }
}

Describe 'SIGTERM to pwsh' {
    It 'stops pg_dump, aborts the upload, logs backup_finished failed and exits 143' {
        $bucket = New-TestName 'pester-term'
        Use-TestEnvironment -Database (New-TestDatabase -Rows 10) -Bucket $bucket
        $pgDump = Join-Path $TestDrive 'pg_dump'
        Set-Content $pgDump @'
#!/usr/bin/env bash
if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 15.14"; exit 0; fi
head -c 20971520 /dev/urandom
sleep 60
'@
        chmod +x $pgDump
        $start = [System.Diagnostics.ProcessStartInfo]::new((Join-Path $PSHOME 'pwsh'))
        foreach ($a in '-NoProfile', '-NonInteractive', '-Command', 'Invoke-ObsBackup | Out-Null') { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $start.Environment['OBS_PG_DUMP'] = $pgDump
        $start.Environment['OBS_LOG_FORMAT'] = 'json'
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()

        $deadline = (Get-Date).AddSeconds(60)
        while ((Get-UnfinishedUploads $bucket) -eq 0) {
            if ((Get-Date) -gt $deadline) { $process.Kill($true); throw 'the upload never started' }
            Start-Sleep -Milliseconds 200
        }
        & kill -TERM $process.Id
        $process.WaitForExit(60000) | Should -BeTrue # a hang guard: the cleanup takes a second or two
        $process.ExitCode | Should -Be 143
        $last = ($stdout.Result -split "`n" | Where-Object { $_ })[-1] | ConvertFrom-Json
        ($last.event, $last.status) | Should -Be @('backup_finished', 'failed')
        Get-UnfinishedUploads $bucket | Should -Be 0 -Because "the upload is aborted; the log was:`n$($stdout.Result)"
        @(Get-ChildItem -Path /proc -Filter '[0-9]*' -ErrorAction SilentlyContinue | Where-Object {
            (Get-Content "$($_.FullName)/cmdline" -Raw -ErrorAction SilentlyContinue) -like "*$pgDump*" }).Count | Should -Be 0 -Because 'pg_dump is stopped'
    }
}

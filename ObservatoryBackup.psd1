@{
    RootModule           = 'ObservatoryBackup.PowerShell.dll'
    ModuleVersion        = '0.1.0'
    GUID                 = '6f0b7f8e-2a4c-4f57-9a0e-3c1d2b8e5a71'
    Author               = 'ObservatoryBackup developers'
    CompanyName          = 'The Issue Observatory'
    Copyright            = '(c) ObservatoryBackup developers. All rights reserved.'
    Description          = 'Backs up PostgreSQL databases to MinIO or any S3-compatible store and restores them: streaming pg_dump | gzip uploads, retention, verified staged restores.'
    PowerShellVersion    = '7.6'
    CompatiblePSEditions = @('Core')
    CmdletsToExport      = @('Invoke-ObsBackup', 'Get-ObsBackup', 'Get-ObsBackupStatus', 'Restore-ObsBackup', 'Test-ObsBackup', 'Update-ObsCredentialKey', 'New-ObsCredentialKey', 'New-ObsAgeKey', 'New-ObsSigningKey', 'Protect-ObsBackup', 'Unprotect-ObsBackup', 'Get-ObsBackupContents')
    FunctionsToExport    = @()
    AliasesToExport      = @()
    VariablesToExport    = @()
    FormatsToProcess     = @('ObservatoryBackup.format.ps1xml')
    PrivateData          = @{
        PSData = @{
            Tags       = @('PostgreSQL', 'Backup', 'Restore', 'MinIO', 'S3', 'pg_dump', 'Linux')
            ProjectUri = 'https://github.com/issue-observatory/ObservatoryBackup'
            LicenseUri = 'https://github.com/issue-observatory/ObservatoryBackup/blob/main/LICENSE'
        }
    }
}

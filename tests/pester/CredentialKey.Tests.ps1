# Update-ObsCredentialKey end to end, with Fernet tokens made and read by openssl, not by the module.
BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestSupport.psm1') -Force
    Import-Module $env:OBS_TEST_MODULE -Force

    function ConvertTo-Base64Url([byte[]] $Bytes) { [Convert]::ToBase64String($Bytes).Replace('+', '-').Replace('/', '_') }
    function ConvertFrom-Base64Url([string] $Text) { [Convert]::FromBase64String($Text.Replace('-', '+').Replace('_', '/')) }
    function New-Key { $k = [byte[]]::new(32); [System.Security.Cryptography.RandomNumberGenerator]::Fill($k); , $k }
    function Invoke-Openssl { & openssl @args; if ($LASTEXITCODE -ne 0) { throw "openssl $args failed" } }

    # Fernet: 0x80 | 64-bit time | IV | AES-128-CBC(PKCS7) ciphertext | HMAC-SHA256 of all before, url-safe base64
    function New-OpensslToken([byte[]] $Key, [string] $Plaintext) {
        $iv = [byte[]]::new(16); [System.Security.Cryptography.RandomNumberGenerator]::Fill($iv)
        $plain = Join-Path $TestDrive 'plain'; $cipher = Join-Path $TestDrive 'cipher'; $body = Join-Path $TestDrive 'body'; $mac = Join-Path $TestDrive 'mac'
        [IO.File]::WriteAllText($plain, $Plaintext)
        Invoke-Openssl enc -aes-128-cbc -K ([Convert]::ToHexString($Key[16..31])) -iv ([Convert]::ToHexString($iv)) -in $plain -out $cipher
        $time = [BitConverter]::GetBytes([long][DateTimeOffset]::UtcNow.ToUnixTimeSeconds()); [Array]::Reverse($time)
        [IO.File]::WriteAllBytes($body, [byte[]](@(0x80) + $time + $iv + [IO.File]::ReadAllBytes($cipher)))
        Invoke-Openssl dgst -sha256 -mac HMAC -macopt "hexkey:$([Convert]::ToHexString($Key[0..15]))" -binary -out $mac $body
        ConvertTo-Base64Url ([byte[]]([IO.File]::ReadAllBytes($body) + [IO.File]::ReadAllBytes($mac)))
    }

    function Read-OpensslToken([byte[]] $Key, [string] $Token) {
        $data = ConvertFrom-Base64Url $Token
        $body = Join-Path $TestDrive 'body'; $mac = Join-Path $TestDrive 'mac'; $cipher = Join-Path $TestDrive 'cipher'; $plain = Join-Path $TestDrive 'plain'
        [IO.File]::WriteAllBytes($body, [byte[]]$data[0..($data.Length - 33)])
        Invoke-Openssl dgst -sha256 -mac HMAC -macopt "hexkey:$([Convert]::ToHexString($Key[0..15]))" -binary -out $mac $body
        [Convert]::ToHexString([IO.File]::ReadAllBytes($mac)) | Should -Be ([Convert]::ToHexString([byte[]]$data[($data.Length - 32)..($data.Length - 1)]))
        [IO.File]::WriteAllBytes($cipher, [byte[]]$data[25..($data.Length - 33)])
        Invoke-Openssl enc -d -aes-128-cbc -K ([Convert]::ToHexString($Key[16..31])) -iv ([Convert]::ToHexString([byte[]]$data[9..24])) -in $cipher -out $plain
        [IO.File]::ReadAllText($plain)
    }

    $script:db = New-TestDatabase -Rows 1
    Use-TestEnvironment -Database $db -Bucket 'unused'
    Invoke-Psql $db 'CREATE TABLE api_credentials (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), credentials jsonb)' | Out-Null
    $script:oldKey = New-Key
    $script:newKey = New-Key
    $script:secrets = @('{"token": "alpha"}', '{"token": "beta", "n": 2}', '{}')
    foreach ($secret in $secrets) {
        Invoke-Psql $db "INSERT INTO api_credentials (credentials) VALUES (to_jsonb('$(New-OpensslToken $oldKey $secret)'::text))" | Out-Null
    }
    $env:CREDENTIAL_ENCRYPTION_KEY_OLD = ConvertTo-Base64Url $oldKey
    $env:CREDENTIAL_ENCRYPTION_KEY = ConvertTo-Base64Url $newKey
    function Get-Tokens { @(Invoke-Psql $db 'SELECT credentials #>> ''{}'' FROM api_credentials ORDER BY id') }
}
AfterAll { $env:CREDENTIAL_ENCRYPTION_KEY_OLD = $null; $env:CREDENTIAL_ENCRYPTION_KEY = $null }

Describe 'Update-ObsCredentialKey' {
    It 'reports with -WhatIf and changes nothing' {
        $before = Get-Tokens
        $result = Update-ObsCredentialKey -WhatIf
        ($result.DryRun, $result.ReEncrypted, $result.Total) | Should -Be @($true, 3, 3)
        Get-Tokens | Should -Be $before
    }

    It 're-encrypts every token made by openssl so that openssl reads them with the new key' {
        $result = Update-ObsCredentialKey -Confirm:$false
        ($result.DryRun, $result.ReEncrypted) | Should -Be @($false, 3)
        $plain = Get-Tokens | ForEach-Object { Read-OpensslToken $newKey $_ }
        $plain | Sort-Object | Should -Be ($secrets | Sort-Object)
    }

    It 'changes nothing on a second run' {
        $before = Get-Tokens
        (Update-ObsCredentialKey -Confirm:$false).AlreadyOnNewKey | Should -Be 3
        Get-Tokens | Should -Be $before
    }
}

Describe 'New-ObsCredentialKey, in the spec order (the old key still in CREDENTIAL_ENCRYPTION_KEY)' {
    It 'makes a Fernet key that rotates the tokens so that openssl reads them with it' {
        $generated = New-ObsCredentialKey
        $generated | Should -BeOfType [string]
        $generated | Should -Match '^[A-Za-z0-9_-]{43}=$'
        (New-ObsCredentialKey) | Should -Not -Be $generated
        (New-ObsCredentialKey -AsSecureString) | Should -BeOfType [securestring]

        # the tokens are on $newKey now: it is the application's current key, and the generated one comes next
        $env:CREDENTIAL_ENCRYPTION_KEY_OLD = $null
        $env:CREDENTIAL_ENCRYPTION_KEY = ConvertTo-Base64Url $newKey
        $env:CREDENTIAL_ENCRYPTION_KEY_NEW = $generated
        try {
            (Update-ObsCredentialKey -Confirm:$false).ReEncrypted | Should -Be 3
            $plain = Get-Tokens | ForEach-Object { Read-OpensslToken (ConvertFrom-Base64Url $generated) $_ }
            $plain | Sort-Object | Should -Be ($secrets | Sort-Object)

            $env:CREDENTIAL_ENCRYPTION_KEY_OLD = ConvertTo-Base64Url $oldKey
            { Update-ObsCredentialKey -Confirm:$false -ErrorAction Stop } | Should -Throw '*CREDENTIAL_ENCRYPTION_KEY_NEW*'
        }
        finally { $env:CREDENTIAL_ENCRYPTION_KEY_NEW = $null }
    }
}

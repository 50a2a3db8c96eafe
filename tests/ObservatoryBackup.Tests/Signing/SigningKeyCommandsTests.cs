using ObservatoryBackup.PowerShell;
using ObservatoryBackup.Signing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.PowerShell;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>New-ObsSigningKey and obs-backup new-signing-key: key pairs that minisign uses as its own, owner-only, never written over unless asked.</summary>
public sealed class SigningKeyCommandsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("obs-signing-key-").FullName;
    private readonly ModuleSession _ps = new();

    public void Dispose()
    {
        _ps.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string At(string name) => Path.Combine(_dir, name);

    /// <summary>minisign signs a file with the secret key file (asking no password) and verifies it with the public key file.</summary>
    private async Task MinisignUsesAsync(string secretKeyFile, string publicKeyFile)
    {
        var file = At("file");
        await File.WriteAllTextAsync(file, "a file to sign");
        var sign = await Minisign.RunAsync(["-S", "-s", secretKeyFile, "-m", file]);
        Assert.True(sign.ExitCode == 0, sign.Stdout + sign.Stderr);
        var verify = await Minisign.RunAsync(["-V", "-H", "-m", file, "-p", publicKeyFile]);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    public async Task New_ObsSigningKey_writes_a_pair_minisign_uses_and_refuses_to_write_over_it_without_Force()
    {
        var vars = new Dictionary<string, object?> { ["sk"] = At("signing.key"), ["other"] = At("other.key") };

        var key = (SigningKeyResult)Assert.Single(_ps.Invoke("New-ObsSigningKey -Path $sk", vars)).BaseObject;

        Assert.Equal(At("signing.key"), key.SecretKeyFile);
        Assert.Equal(At("signing.pub"), key.PublicKeyFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key.SecretKeyFile));
        var publicKey = MinisignPublicKey.Parse(await File.ReadAllTextAsync(key.PublicKeyFile));
        Assert.Equal(publicKey, MinisignPublicKey.Parse(key.PublicKey));
        Assert.Equal(publicKey.KeyId.ToString(), key.KeyId);
        await MinisignUsesAsync(key.SecretKeyFile, key.PublicKeyFile);

        var again = Assert.ThrowsAny<Exception>(() => _ps.Invoke("New-ObsSigningKey -Path $sk", vars));
        Assert.Contains("-Force", again.Message);
        Assert.Equal(publicKey, MinisignSecretKey.Parse(await File.ReadAllTextAsync(key.SecretKeyFile)).PublicKey);

        Assert.Empty(_ps.Invoke("New-ObsSigningKey -Path $other -WhatIf", vars));
        Assert.False(File.Exists(At("other.key")));
        Assert.False(File.Exists(At("other.pub")));

        var replaced = (SigningKeyResult)Assert.Single(_ps.Invoke("New-ObsSigningKey -Path $sk -Force", vars)).BaseObject;
        Assert.NotEqual(key.PublicKey, replaced.PublicKey);
        Assert.Equal(MinisignPublicKey.Parse(replaced.PublicKey), MinisignSecretKey.Parse(await File.ReadAllTextAsync(key.SecretKeyFile)).PublicKey);
    }

    [Fact]
    public async Task New_ObsSigningKey_writes_the_public_key_where_asked_and_neither_file_when_one_exists()
    {
        await File.WriteAllTextAsync(At("taken.pub"), "not a key");
        var vars = new Dictionary<string, object?> { ["sk"] = At("a"), ["pk"] = At("taken.pub") };

        Assert.ThrowsAny<Exception>(() => _ps.Invoke("New-ObsSigningKey -Path $sk -PublicKeyPath $pk", vars));

        Assert.False(File.Exists(At("a")));
        Assert.Equal("not a key", await File.ReadAllTextAsync(At("taken.pub")));
        var key = (SigningKeyResult)Assert.Single(_ps.Invoke("New-ObsSigningKey -Path $sk", vars)).BaseObject;
        Assert.Equal(At("a.pub"), key.PublicKeyFile);
    }

    [Fact]
    public async Task Obs_backup_new_signing_key_prints_the_public_key_of_a_pair_minisign_uses()
    {
        var env = new Dictionary<string, string?>();

        var made = await ObsBackupCli.RunAsync(env, "new-signing-key", "--output", At("obs.key"));

        Assert.True(made.ExitCode == 0, made.StandardError);
        var publicKey = MinisignPublicKey.Parse(made.StandardOutput.Trim());
        Assert.Equal(publicKey, MinisignPublicKey.Parse(await File.ReadAllTextAsync(At("obs.pub"))));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(At("obs.key")));
        await MinisignUsesAsync(At("obs.key"), At("obs.pub"));

        var again = await ObsBackupCli.RunAsync(env, "new-signing-key", "--output", At("obs.key"));
        Assert.Equal(2, again.ExitCode);
        Assert.Contains("--force", again.StandardError);
        Assert.Equal(publicKey, MinisignPublicKey.Parse(await File.ReadAllTextAsync(At("obs.pub"))));

        var elsewhere = await ObsBackupCli.RunAsync(env, "new-signing-key", "-o", At("obs.key"), "--public-key-output", At("elsewhere.pub"), "--force");
        Assert.True(elsewhere.ExitCode == 0, elsewhere.StandardError);
        Assert.Equal(MinisignPublicKey.Parse(elsewhere.StandardOutput.Trim()), MinisignPublicKey.Parse(await File.ReadAllTextAsync(At("elsewhere.pub"))));
        Assert.Equal(publicKey, MinisignPublicKey.Parse(await File.ReadAllTextAsync(At("obs.pub"))));
    }
}

using System.Security.Cryptography;
using System.Text;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Errors;
using ObservatoryBackup.Format;
using ObservatoryBackup.Logging;
using ObservatoryBackup.Postgres;
using ObservatoryBackup.Retention;
using ObservatoryBackup.Signing;
using ObservatoryBackup.Store;
using ObservatoryBackup.Testing;
using ObservatoryBackup.Tests.Fixtures;
using ObservatoryBackup.Tests.Integration;

namespace ObservatoryBackup.Tests.Signing;

/// <summary>
/// Signed backups on the in-memory store: the writer signs the object's exact bytes, every read of a
/// backup is proven against its signature when keys are trusted, and listings and retention treat a
/// backup and its signature as one.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class SignedBackupTests
{
    private const string Name = "postgres/2026/03/01/observatory_20260301_020000.sql.gz";
    private const string Sql = """
        --
        -- PostgreSQL database dump
        --
        SET statement_timeout = 0;
        CREATE TABLE public.readings (id integer, value text);
        COPY public.readings (id, value) FROM stdin;
        1	a
        2	b
        \.
        --
        -- PostgreSQL database dump complete
        --

        """;

    private readonly MemoryObjectStore _memory = new("signed");
    private readonly RecordingLog _log = new();
    private static readonly MinisignSecretKey Key = MinisignSecretKey.Generate();
    private static readonly MinisignSecretKey OtherKey = MinisignSecretKey.Generate();

    /// <summary>A backup object as the backup writes it (SQL, manifest, gzip), read as the uploader reads it; and its signature file.</summary>
    internal static async Task<(byte[] Object, byte[]? Signature)> WriteAsync(MinisignSecretKey? key, string objectName = Name)
    {
        var writer = new BackupWriter(async (sql, ct) =>
        {
            var bytes = Encoding.UTF8.GetBytes(Sql);
            var reader = new PlainDumpReader();
            reader.Read(bytes);
            await sql.WriteAsync(bytes, ct);
            return new DumpManifest(bytes.Length, SHA256.HashData(bytes), reader.RowsPerTable);
        }, new BackupLayout(BackupCodec.Gzip, Encrypted: false), 4, "test", [], null, default) { SigningKey = key };
        var output = new MemoryStream();
        await writer.Output.CopyToAsync(output);
        await writer.Completion;
        return (output.ToArray(), writer.Sign(objectName, DateTimeOffset.UtcNow));
    }

    private async Task PutAsync(MinisignSecretKey? key, string objectName = Name, Func<byte[], byte[]>? alter = null)
    {
        var (data, signature) = await WriteAsync(key, objectName);
        _memory.Put(objectName, alter is null ? data : alter(data));
        if (signature is not null) _memory.Put(objectName + ".minisig", signature);
    }

    private Task<BackupTestResult> VerifyAsync(params MinisignSecretKey[] trusted) =>
        new BackupTestEngine(new TestOptions(new ObsSettings { Storage = _memory.Settings }) { TrustedKeys = [.. trusted.Select(k => k.PublicKey)] }, _log)
        { OpenStore = _ => _memory }.RunAsync(Name, verifyOnly: true, keep: false, default);

    [Fact]
    public async Task The_writer_signs_the_objects_exact_bytes_with_minisigns_trusted_comment()
    {
        var (data, signatureFile) = await WriteAsync(Key);

        var signature = MinisignSignature.Parse(signatureFile);
        var verified = await MinisignVerifier.VerifyAsync(new MemoryStream(data), signature, [Key.PublicKey]);
        Assert.Equal(data.Length, verified.Length);
        Assert.Equal(Key.KeyId, signature.KeyId);
        Assert.Matches(@"^timestamp:\d+\tfile:observatory_20260301_020000\.sql\.gz\thashed$", verified.TrustedComment);
        data[^1] ^= 1;
        var altered = await Assert.ThrowsAsync<MinisignException>(() => MinisignVerifier.VerifyAsync(new MemoryStream(data), signature, [Key.PublicKey]));
        Assert.Equal(MinisignFailure.BadSignature, altered.Failure);
        Assert.Null((await WriteAsync(null)).Signature);
    }

    [Fact]
    public async Task A_signed_backup_verifies_with_its_key_trusted()
    {
        await PutAsync(Key);

        var result = await VerifyAsync(OtherKey, Key);

        Assert.True(result.Passed);
        Assert.Equal(Key.KeyId.ToString(), _log.Single("signature_verified")["key_id"]);
    }

    [Fact]
    public async Task With_trusted_keys_an_unsigned_backup_is_refused_naming_the_trusted_key()
    {
        await PutAsync(null);

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));

        Assert.Equal(ErrorIds.BackupNotSigned, ex.ErrorId);
        Assert.Equal(ObsErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains(Key.KeyId.ToString(), ex.Message);
        // refused from the signature's absence: not one byte of the backup was read
        Assert.DoesNotContain(_memory.Requests, r => r == "Read " + Name);
    }

    [Fact]
    public async Task With_trusted_keys_a_backup_signed_by_another_key_is_refused_naming_both_keys_before_it_is_read()
    {
        await PutAsync(OtherKey);

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));

        Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
        Assert.Equal(ObsErrorKind.PermissionDenied, ex.Kind);
        Assert.Contains(OtherKey.KeyId.ToString(), ex.Message);
        Assert.Contains(Key.KeyId.ToString(), ex.Message);
        Assert.DoesNotContain(_memory.Requests, r => r == "Read " + Name);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    [InlineData(-1)]
    public async Task With_trusted_keys_a_backup_altered_in_any_byte_is_refused(int at)
    {
        await PutAsync(Key, alter: data =>
        {
            var changed = data.ToArray();
            changed[at < 0 ? changed.Length + at : at] ^= 0x20;
            return changed;
        });

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));

        Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
        Assert.Contains(Key.KeyId.ToString(), ex.Message);
    }

    [Fact]
    public async Task A_signature_whose_comment_was_changed_or_that_is_no_signature_is_refused()
    {
        await PutAsync(Key);
        var signature = Encoding.UTF8.GetString(_memory.Get(Name + ".minisig"));
        _memory.Put(Name + ".minisig", Encoding.UTF8.GetBytes(signature.Replace("file:", "file:x", StringComparison.Ordinal)));
        var comment = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));
        _memory.Put(Name + ".minisig", new byte[MinisignSignature.MaxFileLength + 10]);
        var garbage = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));

        Assert.Equal((ErrorIds.BackupSignatureInvalid, ErrorIds.BackupSignatureInvalid), (comment.ErrorId, garbage.ErrorId));
    }

    [Theory]
    [InlineData("postgres/2026/02/01/observatory_20260201_020000.sql.gz")] // an older backup of the same database, under a newer time
    [InlineData("postgres/2026/03/01/telescope_20260301_020000.sql.gz")] // another database's
    [InlineData("postgres/2026/03/01/%globals_20260301_020000.sql.gz")] // a globals backup's, as a database's
    public async Task With_trusted_keys_a_genuine_backup_copied_under_another_name_is_refused_before_it_is_read(string signedAs)
    {
        // the object and its signature, both genuine, copied in the bucket under Name
        var (data, signature) = await WriteAsync(Key, signedAs);
        _memory.Put(Name, data);
        _memory.Put(Name + ".minisig", signature!);

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));

        Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
        Assert.Contains(signedAs[(signedAs.LastIndexOf('/') + 1)..], ex.Message);
        Assert.Contains("renamed", ex.Message);
        Assert.DoesNotContain(_memory.Requests, r => r == "Read " + Name);
    }

    [Fact]
    public async Task With_trusted_keys_a_signature_whose_trusted_comment_names_no_file_or_another_path_is_refused()
    {
        var (data, _) = await WriteAsync(null);
        _memory.Put(Name, data);
        foreach (var comment in new[] { "timestamp:1\thashed", "timestamp:1\tfile:" + Name + "\thashed", "timestamp:1\tfile:OBSERVATORY_20260301_020000.sql.gz\thashed" })
        {
            var signer = new MinisignSigner(Key);
            signer.Append(data);
            _memory.Put(Name + ".minisig", signer.Finish(comment).Format());
            var ex = await Assert.ThrowsAsync<BackupDataException>(() => VerifyAsync(Key));
            Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
        }
        // the object's own file name, as minisign -S writes it (with or without minisign's hashed marker), holds
        foreach (var comment in new[] { "timestamp:1\tfile:observatory_20260301_020000.sql.gz\thashed", "timestamp:1\tfile:observatory_20260301_020000.sql.gz" })
        {
            var signer = new MinisignSigner(Key);
            signer.Append(data);
            _memory.Put(Name + ".minisig", signer.Finish(comment).Format());
            Assert.True((await VerifyAsync(Key)).Passed);
        }
    }

    [Fact]
    public async Task Without_trusted_keys_backups_verify_as_before_and_the_log_says_whether_they_were_signed()
    {
        await PutAsync(null);
        Assert.True((await VerifyAsync()).Passed);
        Assert.Equal("unsigned", _log.Single("signature_not_checked")["signature"]);

        _memory.Put(Name + ".minisig", (await WriteAsync(Key)).Signature!);
        Assert.True((await VerifyAsync()).Passed);
        Assert.Equal(["unsigned", "signed"], _log.Events.Where(e => e.Name == "signature_not_checked").Select(e => (string?)e["signature"]));
        Assert.DoesNotContain("signature_verified", _log.Names);
    }

    [Fact]
    public async Task A_read_pinned_to_the_verified_object_fails_when_the_object_is_replaced_after_its_verifying_pass()
    {
        await PutAsync(Key);
        using var store = new BackupStore(_memory, new EventLog(_log, TimeProvider.System));
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(Name, default), [Key.PublicKey], new EventLog(_log, TimeProvider.System), default);
        using var chunks = new ChunkDigests(Path.GetTempPath());
        stored = await BackupSignature.VerifyPassAsync(store, stored, chunks, null, new EventLog(_log, TimeProvider.System), default);

        // replaced between the passes, by an object that its own signature would not even save
        var (other, _) = await WriteAsync(OtherKey);
        _memory.Put(Name, [.. other, .. "\n"u8.ToArray()]);
        var copy = new MemoryStream();
        var replaced = await Assert.ThrowsAsync<BackupDataException>(() => store.CopyOnceAsync(stored, copy, null, default));

        Assert.Equal(ErrorIds.BackupSignatureInvalid, replaced.ErrorId);
        Assert.Contains("replaced", replaced.Message);
        Assert.Equal(0, copy.Length);
    }

    [Fact]
    public async Task A_checked_backup_without_an_etag_is_not_streamed_for_a_load_its_pin_cannot_hold()
    {
        await PutAsync(Key);
        using var store = new BackupStore(_memory, new EventLog(_log, TimeProvider.System));
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(Name, default), [Key.PublicKey], new EventLog(_log, TimeProvider.System), default);
        // a store that sent no ETag: a second read could be of any object
        var unpinned = stored with { ETag = null };

        using var chunks = new ChunkDigests(Path.GetTempPath());
        var pass = await Assert.ThrowsAsync<BackupDataException>(() => BackupSignature.VerifyPassAsync(store, unpinned, chunks, null, new EventLog(_log, TimeProvider.System), default));
        var copy = new MemoryStream();
        var load = await Assert.ThrowsAsync<BackupDataException>(() => store.CopyOnceAsync(unpinned, copy, null, default));

        Assert.Equal((ErrorIds.BackupSignatureInvalid, ErrorIds.BackupSignatureInvalid), (pass.ErrorId, load.ErrorId));
        Assert.Contains("ETag", load.Message);
        Assert.Equal(0, copy.Length);
        Assert.DoesNotContain(_memory.Requests, r => r == "Read " + Name);
        // unchecked (no trusted keys), a backup streams as before
        await store.CopyOnceAsync(await store.RequireAsync(Name, default) with { ETag = null }, copy, null, default);
        Assert.Equal(_memory.Get(Name).Length, copy.Length);
    }

    [Theory]
    [InlineData(3 * ChunkDigests.ChunkSize / 2, 1)] // in the second chunk: the first is passed on, nothing of the second
    [InlineData(10, 0)] // in the first: nothing is passed on
    [InlineData(-1, 2)] // in the last, short chunk: nothing of it is passed on
    public async Task After_a_verifying_pass_the_load_passes_on_no_byte_it_has_not_proven_whatever_the_store_sends_under_the_same_etag(int at, int chunksPassed)
    {
        var data = RandomNumberGenerator.GetBytes(2 * ChunkDigests.ChunkSize + 1000);
        var signer = new MinisignSigner(Key);
        signer.Append(data);
        _memory.Put(Name, data);
        _memory.Put(Name + ".minisig", signer.Finish(BackupSignature.TrustedComment(Name, DateTimeOffset.UtcNow)).Format());
        using var store = new BackupStore(_memory, new EventLog(_log, TimeProvider.System));
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(Name, default), [Key.PublicKey], new EventLog(_log, TimeProvider.System), default);
        using var chunks = new ChunkDigests(Path.GetTempPath());
        stored = await BackupSignature.VerifyPassAsync(store, stored, chunks, null, new EventLog(_log, TimeProvider.System), default);

        // unchanged, the load passes it all on
        var whole = new MemoryStream();
        await store.CopyOnceAsync(stored, whole, null, default);
        Assert.Equal(data, whole.ToArray());

        // a store that gives other bytes under the same ETag (what the pin cannot see)
        _memory.ReadBody = body =>
        {
            var bytes = new MemoryStream();
            body.CopyTo(bytes);
            var changed = bytes.ToArray();
            changed[at < 0 ? changed.Length + at : at] ^= 1;
            return new MemoryStream(changed);
        };
        var copy = new MemoryStream();
        var ex = await Assert.ThrowsAsync<BackupDataException>(() => store.CopyOnceAsync(stored, copy, null, default));

        Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
        Assert.Equal(data.AsSpan(0, chunksPassed * ChunkDigests.ChunkSize).ToArray(), copy.ToArray());
    }

    [Fact]
    public async Task A_load_proven_chunk_by_chunk_dropped_inside_a_chunk_resumes_at_the_next_byte_and_passes_it_all_on()
    {
        var data = RandomNumberGenerator.GetBytes(2 * ChunkDigests.ChunkSize + 1000);
        var signer = new MinisignSigner(Key);
        signer.Append(data);
        _memory.Put(Name, data);
        _memory.Put(Name + ".minisig", signer.Finish(BackupSignature.TrustedComment(Name, DateTimeOffset.UtcNow)).Format());
        using var store = new BackupStore(_memory, new EventLog(_log, TimeProvider.System));
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(Name, default), [Key.PublicKey], new EventLog(_log, TimeProvider.System), default);
        using var chunks = new ChunkDigests(Path.GetTempPath());
        stored = await BackupSignature.VerifyPassAsync(store, stored, chunks, null, new EventLog(_log, TimeProvider.System), default);
        var dropped = 0;
        _memory.ReadBody = body => dropped++ == 0 ? new Store.ObjectStoreDecoratorTests.DroppedAfter(body, 3 * ChunkDigests.ChunkSize / 2) : body;

        var copy = new MemoryStream();
        await store.CopyOnceAsync(stored, copy, null, default);

        Assert.Equal(2, dropped);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task The_load_pass_is_proven_again_before_its_stream_ends()
    {
        await PutAsync(Key);
        using var store = new BackupStore(_memory, new EventLog(_log, TimeProvider.System));
        var stored = await BackupSignature.CheckAsync(store, await store.RequireAsync(Name, default), [Key.PublicKey], new EventLog(_log, TimeProvider.System), default);
        // a store that gives other bytes under the same ETag (what the pin cannot see)
        _memory.ReadBody = body =>
        {
            var bytes = new MemoryStream();
            body.CopyTo(bytes);
            var data = bytes.ToArray();
            data[^3] ^= 1;
            return new MemoryStream(data);
        };

        var ex = await Assert.ThrowsAsync<BackupDataException>(() => store.CopyOnceAsync(stored, new MemoryStream(), null, default));

        Assert.Equal(ErrorIds.BackupSignatureInvalid, ex.ErrorId);
    }

    [Fact]
    public async Task Listings_leave_signatures_out_and_mark_the_backup_signed()
    {
        const string Unsigned = "postgres/2026/03/02/observatory_20260302_020000.sql.gz";
        await PutAsync(Key);
        await PutAsync(null, Unsigned);

        var listed = await new BackupCatalog(_memory.Settings, new EventLog(_log, TimeProvider.System)) { OpenStore = _ => _memory }.ListAsync(new BackupQuery(), default);

        Assert.Equal([(Unsigned, false), (Name, true)], listed.Select(b => (b.ObjectName, b.Signed)));
    }

    [Fact]
    public async Task Retention_deletes_a_signature_with_its_backup_keeps_a_pinned_ones_and_removes_orphans()
    {
        const string Pinned = "postgres/2025/01/02/observatory_20250102_020000.sql.gz";
        const string Orphan = "postgres/2025/01/03/observatory_20250103_020000.sql.gz.minisig";
        await PutAsync(Key);
        await PutAsync(Key, "postgres/2025/01/01/observatory_20250101_020000.sql.gz");
        await PutAsync(Key, Pinned);
        _memory.Put(Orphan, (await WriteAsync(Key)).Signature!);
        await new BackupPins(_memory.Settings, _log) { OpenStore = _ => _memory }.PinAsync(Pinned, default);

        var pruned = await new Pruner(new ObsSettings { Storage = _memory.Settings, RetentionDays = 30 }, _log, new FixedClock(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero)))
        { OpenStore = _ => _memory }.RunAsync(dryRun: false, default);

        Assert.Equal(["postgres/2025/01/01/observatory_20250101_020000.sql.gz"], pruned.Deleted);
        Assert.Equal(
            ["postgres/.pins/2025/01/02/observatory_20250102_020000.sql.gz", Pinned, Pinned + ".minisig", Name, Name + ".minisig"],
            _memory.ObjectNames);
    }
}

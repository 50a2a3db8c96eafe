using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using ObservatoryBackup.Encryption;
using ObservatoryBackup.Tests.Fixtures;
using Xunit.Abstractions;

namespace ObservatoryBackup.Tests.Encryption;

/// <summary>
/// The community test vectors for age v1 (C2SP CCTV, copied into tests/testdata/age-cctv): every vector
/// of a feature we implement reads exactly as it expects; the vectors of features we do not implement
/// (scrypt passphrases, ASCII armor, post-quantum keys) are run too, and must be refused by name.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class AgeTestVectorTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(Shell.RepoRoot, "tests", "testdata", "age-cctv");

    private sealed record Vector(string Name, Dictionary<string, List<string>> Fields, byte[] File)
    {
        public string Expect => Fields["expect"][0];
        public IEnumerable<string> Identities => Fields.GetValueOrDefault("identity") ?? [];

        /// <summary>The feature this implementation lacks that the vector needs, or null.</summary>
        public string? Unimplemented =>
            Fields.ContainsKey("passphrase") ? "scrypt passphrases"
            : Fields.GetValueOrDefault("armored")?[0] == "yes" ? "ASCII armor"
            : Identities.Any() && Identities.All(i => i.StartsWith("AGE-SECRET-KEY-PQ-", StringComparison.Ordinal)) ? "post-quantum (mlkem768x25519) keys"
            : null;
    }

    private static Vector Load(string name)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, name));
        var blank = bytes.AsSpan().IndexOf("\n\n"u8);
        var fields = new Dictionary<string, List<string>>();
        foreach (var line in Encoding.ASCII.GetString(bytes, 0, blank).Split('\n'))
        {
            var colon = line.IndexOf(": ", StringComparison.Ordinal);
            fields.TryAdd(line[..colon], []);
            fields[line[..colon]].Add(line[(colon + 2)..]);
        }
        var file = bytes[(blank + 2)..];
        if (fields.GetValueOrDefault("compressed")?[0] == "zlib")
        {
            using var inflate = new ZLibStream(new MemoryStream(file), CompressionMode.Decompress);
            using var plain = new MemoryStream();
            inflate.CopyTo(plain);
            file = plain.ToArray();
        }
        return new Vector(name, fields, file);
    }

    private static IEnumerable<Vector> All() =>
        Directory.GetFiles(Folder).Select(Path.GetFileName).Where(n => n is not ("README.md" or "LICENSE")).Order(StringComparer.Ordinal).Select(n => Load(n!));

    public static TheoryData<string> Implemented() => [.. All().Where(v => v.Unimplemented is null).Select(v => v.Name)];
    public static TheoryData<string> NotImplemented() => [.. All().Where(v => v.Unimplemented is not null).Select(v => v.Name)];

    /// <summary>Decrypts the vector's file with its X25519 identities: the plaintext, or the failure.</summary>
    private static (byte[]? Plaintext, AgeException? Failure) Decrypt(Vector vector)
    {
        try
        {
            // where a vector gives X25519 and post-quantum identities, the X25519 ones are what we can try
            var x25519 = vector.Identities.Where(i => !i.StartsWith("AGE-SECRET-KEY-PQ-", StringComparison.Ordinal)).ToList();
            var identities = (x25519.Count > 0 ? x25519 : vector.Identities).Select(AgeIdentity.Parse).ToList();
            using var age = new AgeDecryptingStream(new MemoryStream(vector.File), identities);
            using var plain = new MemoryStream();
            age.CopyTo(plain);
            return (plain.ToArray(), null);
        }
        catch (AgeException ex)
        {
            return (null, ex);
        }
    }

    [Theory]
    [MemberData(nameof(Implemented))]
    public void A_vector_of_an_implemented_feature_reads_as_it_expects(string name)
    {
        var vector = Load(name);
        var (plaintext, failure) = Decrypt(vector);
        switch (vector.Expect)
        {
            case "success":
                Assert.Null(failure);
                Assert.Equal(vector.Fields["payload"][0], Convert.ToHexStringLower(SHA256.HashData(plaintext!)));
                break;
            case "header failure" or "HMAC failure":
                Assert.Equal(AgeFailure.Header, failure?.Failure);
                break;
            case "payload failure":
                Assert.Equal(AgeFailure.Payload, failure?.Failure);
                break;
            case "no match":
                Assert.Equal(AgeFailure.NoMatch, failure?.Failure);
                break;
            default:
                Assert.Fail($"{name}: unknown expectation '{vector.Expect}'");
                break;
        }
    }

    [Theory]
    [MemberData(nameof(NotImplemented))]
    public void A_vector_of_a_feature_not_implemented_is_refused_naming_the_feature(string name)
    {
        var vector = Load(name);
        output.WriteLine($"{name}: needs {vector.Unimplemented}, which is not implemented; expected '{vector.Expect}'");
        var (_, failure) = Decrypt(vector);
        Assert.NotNull(failure);
        // a file that is valid in that feature is refused as unsupported, never as damaged
        if (vector.Expect == "success") Assert.Equal(AgeFailure.Unsupported, failure.Failure);
    }

    [Fact]
    public void The_vectors_left_out_are_exactly_those_of_the_three_features_not_implemented()
    {
        var left = All().Where(v => v.Unimplemented is not null).GroupBy(v => v.Unimplemented!).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (feature, count) in left) output.WriteLine($"not implemented: {feature}: {count} vectors");
        output.WriteLine($"implemented: {Implemented().Count} vectors");
        Assert.Equal(["ASCII armor", "post-quantum (mlkem768x25519) keys", "scrypt passphrases"], left.Keys.Order().ToArray());
        // 68 of the 143 vectors need no missing feature; a change in that number is worth a look
        Assert.Equal(68, Implemented().Count);
    }
}

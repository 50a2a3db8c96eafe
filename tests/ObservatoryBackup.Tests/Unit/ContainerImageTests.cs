using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using ObservatoryBackup.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// The Dockerfile, read as text (no Docker engine here): the newest PostgreSQL client from PGDG, ISA-L,
/// a non-root user by number, the very user and version deploy/kubernetes runs the image as.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class ContainerImageTests
{
    /// <summary>The newest PostgreSQL major: pg_dump dumps its own major's servers and every older one, never a newer one.</summary>
    private const int NewestPostgres = 18;

    private static readonly string Dockerfile = File.ReadAllText(Path.Combine(Shell.RepoRoot, "Dockerfile"));

    /// <summary>The final stage: what the image is.</summary>
    private static string RuntimeStage => Dockerfile[Dockerfile.LastIndexOf("\nFROM ", StringComparison.Ordinal)..];

    [Fact]
    public void The_image_has_the_newest_postgresql_client_from_pgdg_and_isal()
    {
        var major = Regex.Match(RuntimeStage, @"\nARG PG_MAJOR=(\d+)\n");
        Assert.True(major.Success, "the runtime stage sets ARG PG_MAJOR");
        Assert.Equal(NewestPostgres, int.Parse(major.Groups[1].Value, CultureInfo.InvariantCulture));
        Assert.Contains("https://apt.postgresql.org/pub/repos/apt", RuntimeStage, StringComparison.Ordinal);
        Assert.Matches(@"apt-get install [^\n]*postgresql-client-\$\{PG_MAJOR\}", RuntimeStage);
        Assert.Matches(@"apt-get install [^\n]*\blibisal2\b", RuntimeStage);
        Assert.Contains("OBS_PG_DUMP=/usr/lib/postgresql/${PG_MAJOR}/bin/pg_dump", RuntimeStage, StringComparison.Ordinal);
        Assert.Contains("OBS_PSQL=/usr/lib/postgresql/${PG_MAJOR}/bin/psql", RuntimeStage, StringComparison.Ordinal);
        Assert.Contains($"PostgreSQL {NewestPostgres}", File.ReadAllText(Path.Combine(Shell.RepoRoot, "README.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void The_image_runs_as_the_non_root_user_and_version_the_manifests_run_it_as()
    {
        var users = Regex.Matches(RuntimeStage, @"\nUSER (\S+)").Select(m => m.Groups[1].Value).ToList();
        Assert.True(users.Count > 0, "the runtime stage sets no USER: the image would run as root");
        Assert.True(int.TryParse(users[^1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid) && uid > 0,
            $"USER {users[^1]}: a user by number (runAsNonRoot can check only a number), not root");
        var version = XDocument.Load(Path.Combine(Shell.RepoRoot, "Directory.Build.props")).Descendants("Version").Single().Value;

        var ours = KubernetesManifestTests.PodSpecs()
            .Where(p => ((YamlSequenceNode)p.Pod["containers"]).Cast<YamlMappingNode>().Any(c => ((YamlScalarNode)c["image"]).Value!.StartsWith("observatory-backup:", StringComparison.Ordinal)))
            .ToList();
        Assert.NotEmpty(ours);
        foreach (var (where, pod) in ours)
        {
            Assert.True(((YamlScalarNode)((YamlMappingNode)pod["securityContext"])["runAsUser"]).Value == uid.ToString(CultureInfo.InvariantCulture), $"{where} runs as another user than the image's {uid}");
            foreach (var container in ((YamlSequenceNode)pod["containers"]).Cast<YamlMappingNode>())
                Assert.Equal($"observatory-backup:{version}", ((YamlScalarNode)container["image"]).Value);
        }
    }
}

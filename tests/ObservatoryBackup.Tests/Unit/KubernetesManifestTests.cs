using ObservatoryBackup.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>deploy/kubernetes: parsed, and held to what the tool reads: every variable in the README's table, secrets as files, one run at a time.</summary>
[Trait("Tier", "Fast")]
public sealed class KubernetesManifestTests
{
    private static string Dir => Path.Combine(Shell.RepoRoot, "deploy", "kubernetes");

    private static List<YamlMappingNode> Documents(string file)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Dir, file));
        stream.Load(reader);
        return [.. stream.Documents.Select(d => (YamlMappingNode)d.RootNode)];
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => int.TryParse(key, out var i) ? ((YamlSequenceNode)n)[i] : ((YamlMappingNode)n)[key]);

    private static string Text(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void The_cronjob_runs_one_backup_at_a_time_with_every_secret_as_a_file_and_only_variables_the_readme_documents()
    {
        var cronJob = Assert.Single(Documents("cronjob.yaml"));
        Assert.Equal("CronJob", Text(cronJob, "kind"));
        Assert.Equal("Forbid", Text(cronJob, "spec", "concurrencyPolicy"));
        var pod = At(cronJob, "spec", "jobTemplate", "spec", "template", "spec");
        var container = At(pod, "containers", "0");
        var env = ((YamlSequenceNode)At(container, "env")).Cast<YamlMappingNode>().ToList();
        var names = env.Select(e => Text(e, "name")).ToList();

        var readme = File.ReadAllText(Path.Combine(Shell.RepoRoot, "README.md"));
        var table = readme[readme.IndexOf("## Configuration", StringComparison.Ordinal)..];
        table = table[..table.IndexOf("\n## ", 1, StringComparison.Ordinal)];
        Assert.All(names, name => Assert.True(table.Contains($"`{name}`", StringComparison.Ordinal),
            $"{name} is set in cronjob.yaml but not in the README's configuration table"));

        // the secrets come as files from the mounted Secret, never as values
        Assert.DoesNotContain(names, n => n is "DATABASE_URL" or "MINIO_ACCESS_KEY" or "MINIO_SECRET_KEY");
        var mount = Text(At(container, "volumeMounts", "0"), "mountPath");
        var secretKeys = ((YamlMappingNode)At(Assert.Single(Documents("secret.yaml")), "stringData")).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet();
        foreach (var file in env.Where(e => Text(e, "name").EndsWith("_FILE", StringComparison.Ordinal)).Select(e => Text(e, "value")))
        {
            Assert.StartsWith(mount + "/", file);
            Assert.Contains(file[(mount.Length + 1)..], secretKeys);
        }
        foreach (var reference in env.Where(e => e.Children.ContainsKey("valueFrom")))
            Assert.Contains(Text(reference, "valueFrom", "secretKeyRef", "key"), secretKeys);

        // the command is one obs-backup takes
        var command = ((YamlSequenceNode)At(container, "command")).Select(n => ((YamlScalarNode)n).Value!).ToArray();
        Assert.Equal("obs-backup", command[0]);
        var parsed = new ObservatoryBackup.Cli.Commands(TextWriter.Null, TextWriter.Null, TextReader.Null, ObservatoryBackup.Cli.Terminal.None,
            new ObservatoryBackup.Configuration.SettingsResolver(new Dictionary<string, string?>())).Build().Parse(command[1..]);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void The_kustomization_names_every_manifest()
    {
        var resources = ((YamlSequenceNode)At(Assert.Single(Documents("kustomization.yaml")), "resources")).Select(n => ((YamlScalarNode)n).Value!);
        Assert.Equal(Directory.GetFiles(Dir, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(), resources.Order());
    }
}

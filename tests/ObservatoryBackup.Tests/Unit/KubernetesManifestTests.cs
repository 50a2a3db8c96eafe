using System.Globalization;
using ObservatoryBackup.Tests.Fixtures;
using YamlDotNet.RepresentationModel;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>
/// deploy/kubernetes: parsed, and held to what the tool reads (every variable in the README's table,
/// secrets as files, one run at a time) and to what a cluster enforcing Pod Security "restricted" admits.
/// </summary>
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

    [Theory]
    [InlineData("cronjob.yaml")]
    [InlineData("status-cronjob.yaml")]
    public void The_cronjob_runs_one_backup_at_a_time_with_every_secret_as_a_file_and_only_variables_the_readme_documents(string manifest)
    {
        var cronJob = Assert.Single(Documents(manifest));
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
        // (the *_FILE convention; OBS_METRICS_FILE is where metrics go, not a secret)
        foreach (var file in env.Where(e => Text(e, "name").EndsWith("_FILE", StringComparison.Ordinal) && Text(e, "name") != "OBS_METRICS_FILE").Select(e => Text(e, "value")))
        {
            Assert.StartsWith(mount + "/", file);
            Assert.Contains(file[(mount.Length + 1)..], secretKeys);
        }
        foreach (var reference in env.Where(e => e.Children.ContainsKey("valueFrom")))
            Assert.Contains(Text(reference, "valueFrom", "secretKeyRef", "key"), secretKeys);

        // the command is one obs-backup takes
        var command = ((YamlSequenceNode)At(container, "command")).Select(n => ((YamlScalarNode)n).Value!).ToArray();
        Assert.Equal("obs-backup", command[0]);
        var parsed = new ObservatoryBackup.Cli.Commands(TextWriter.Null, TextWriter.Null, TextReader.Null, false,
            new ObservatoryBackup.Configuration.SettingsResolver(new Dictionary<string, string?>())).Build().Parse(command[1..]);
        Assert.Empty(parsed.Errors);
    }

    [Fact]
    public void The_kustomization_names_every_manifest()
    {
        var resources = ((YamlSequenceNode)At(Assert.Single(Documents("kustomization.yaml")), "resources")).Select(n => ((YamlScalarNode)n).Value!);
        Assert.Equal(Directory.GetFiles(Dir, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(), resources.Order());
    }

    /// <summary>Every manifest's pod specs: a CronJob's job template's, a Deployment's, Job's or Pod's own.</summary>
    internal static IEnumerable<(string Where, YamlMappingNode Pod)> PodSpecs()
    {
        foreach (var file in Directory.GetFiles(Dir, "*.yaml").Order())
            foreach (var doc in Documents(Path.GetFileName(file)))
            {
                var where = $"{Path.GetFileName(file)}: {Text(doc, "kind")} {(Has(doc, "metadata", "name") ? Text(doc, "metadata", "name") : "")}";
                switch (Text(doc, "kind"))
                {
                    case "CronJob": yield return (where, (YamlMappingNode)At(doc, "spec", "jobTemplate", "spec", "template", "spec")); break;
                    case "Deployment" or "StatefulSet" or "DaemonSet" or "Job": yield return (where, (YamlMappingNode)At(doc, "spec", "template", "spec")); break;
                    case "Pod": yield return (where, (YamlMappingNode)At(doc, "spec")); break;
                }
            }
    }

    private static bool Has(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(key, out var next)) return false;
            node = next;
        }
        return true;
    }

    /// <summary>The volume types Pod Security "restricted" allows.</summary>
    private static readonly string[] RestrictedVolumes = ["configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"];

    [Fact]
    public void Every_pod_meets_pod_security_restricted_with_a_read_only_root_and_a_writable_temp_dir()
    {
        var pods = PodSpecs().ToList();
        Assert.Equal(3, pods.Count);
        var problems = pods.SelectMany(p => RestrictedProblems(p.Where, p.Pod)).ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_check_knows_a_pod_the_restricted_profile_refuses()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader("""
            securityContext: {runAsNonRoot: true, runAsUser: 0}
            hostNetwork: true
            containers: [{name: c, image: 'observatory-backup:latest', securityContext: {privileged: true, capabilities: {drop: [NET_RAW], add: [SYS_ADMIN]}},
                          env: [{name: TMPDIR, value: /tmp}], volumeMounts: [{name: h, mountPath: /tmp}]}]
            volumes: [{name: h, hostPath: {path: /}}]
            """));
        var problems = RestrictedProblems("bad", (YamlMappingNode)yaml.Documents[0].RootNode);
        foreach (var expected in new[] { "runAsUser", "seccompProfile", "hostNetwork", "hostPath", "allowPrivilegeEscalation", "readOnlyRootFilesystem",
                     "drops [NET_RAW]", "adds capabilities", "privileged", "not pinned", "not an emptyDir" })
            Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>What in <paramref name="pod"/> Pod Security "restricted" refuses, or this project asks beyond it (a read-only root, the image by version, TMPDIR on an emptyDir).</summary>
    private static List<string> RestrictedProblems(string where, YamlMappingNode pod)
    {
        var problems = new List<string>();
        void Check(bool ok, string problem)
        {
            if (!ok) problems.Add(problem);
        }
        string? Value(YamlNode node, params string[] path) => Has(node, path) ? Text(node, path) : null;

        Check(Value(pod, "securityContext", "runAsNonRoot") == "true", $"{where}: no runAsNonRoot: true");
        Check(int.TryParse(Value(pod, "securityContext", "runAsUser"), CultureInfo.InvariantCulture, out var uid) && uid > 0, $"{where}: runAsUser is not a user other than root");
        Check(Value(pod, "securityContext", "seccompProfile", "type") == "RuntimeDefault", $"{where}: no seccompProfile RuntimeDefault");
        foreach (var host in new[] { "hostNetwork", "hostPID", "hostIPC" })
            Check(Value(pod, host) != "true", $"{where}: {host}");
        var volumes = Has(pod, "volumes") ? ((YamlSequenceNode)At(pod, "volumes")).Cast<YamlMappingNode>().ToList() : [];
        foreach (var volume in volumes)
        {
            var type = volume.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Single(k => k != "name");
            Check(RestrictedVolumes.Contains(type), $"{where}: volume {Text(volume, "name")} is a {type}, which restricted refuses");
        }

        var containers = new[] { "initContainers", "containers" }.Where(k => Has(pod, k)).SelectMany(k => ((YamlSequenceNode)At(pod, k)).Cast<YamlMappingNode>()).ToList();
        Check(containers.Count > 0, $"{where}: no container");
        foreach (var container in containers)
        {
            var name = $"{where}, container {Text(container, "name")}";
            Check(Value(container, "securityContext", "allowPrivilegeEscalation") == "false", $"{name}: no allowPrivilegeEscalation: false");
            Check(Value(container, "securityContext", "readOnlyRootFilesystem") == "true", $"{name}: no readOnlyRootFilesystem: true");
            var drop = Has(container, "securityContext", "capabilities", "drop") ? ((YamlSequenceNode)At(container, "securityContext", "capabilities", "drop")).Select(n => ((YamlScalarNode)n).Value!).ToList() : [];
            Check(drop is ["ALL"], $"{name}: drops [{string.Join(", ", drop)}], not [ALL]");
            Check(!Has(container, "securityContext", "capabilities", "add"), $"{name}: adds capabilities");
            Check(Value(container, "securityContext", "privileged") != "true", $"{name}: privileged");
            Check(Value(container, "securityContext", "runAsUser") != "0", $"{name}: runs as root");
            Check(!(Has(container, "ports") && ((YamlSequenceNode)At(container, "ports")).Cast<YamlMappingNode>().Any(p => Has(p, "hostPort"))), $"{name}: hostPort");

            // the image by version: a tag, not latest
            var image = Text(container, "image");
            var colon = image.LastIndexOf(':');
            var tag = colon > image.LastIndexOf('/') ? image[(colon + 1)..] : "";
            Check(tag.Length > 0 && tag != "latest", $"{name}: the image {image} is not pinned to a version");

            // ours writes temporary files: TMPDIR is a writable emptyDir
            if (!image.StartsWith("observatory-backup:", StringComparison.Ordinal)) continue;
            var tmpdir = Has(container, "env") ? ((YamlSequenceNode)At(container, "env")).Cast<YamlMappingNode>().SingleOrDefault(e => Text(e, "name") == "TMPDIR") : null;
            var mount = tmpdir is null || !Has(container, "volumeMounts") ? null
                : ((YamlSequenceNode)At(container, "volumeMounts")).Cast<YamlMappingNode>().SingleOrDefault(m => Text(m, "mountPath") == Text(tmpdir, "value"));
            var volume = mount is null ? null : volumes.SingleOrDefault(v => Text(v, "name") == Text(mount, "name"));
            Check(volume is not null && Has(volume, "emptyDir") && Value(mount!, "readOnly") != "true", $"{name}: TMPDIR is not an emptyDir mounted writable");
        }
        return problems;
    }
}

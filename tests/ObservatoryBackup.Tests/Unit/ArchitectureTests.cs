using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using ObservatoryBackup.Configuration;

namespace ObservatoryBackup.Tests.Unit;

/// <summary>The engine's map (docs/ARCHITECTURE.md) checked against its source.</summary>
[Trait("Tier", "Fast")]
public partial class ArchitectureTests
{
    // The layers of docs/ARCHITECTURE.md: a namespace may use only namespaces of a lower layer.
    private static readonly Dictionary<string, int> Layer = new()
    {
        ["Errors"] = 0, ["Encryption"] = 0, ["Signing"] = 0,
        ["Configuration"] = 1, ["Logging"] = 1,
        ["Streams"] = 2, ["Naming"] = 2, ["Metrics"] = 2,
        ["Postgres"] = 3, ["Compress"] = 3, ["Store"] = 3, ["Notify"] = 3,
        ["Retention"] = 4, ["Verify"] = 4, ["Format"] = 4,
        ["Backup"] = 5, ["Restore"] = 5, ["Credentials"] = 5, ["Monitoring"] = 5,
        ["Testing"] = 6,
    };

    private static readonly string Root = FindRoot();
    private static readonly string CoreDir = Path.Combine(Root, "src", "ObservatoryBackup.Core");

    [GeneratedRegex(@"^namespace ObservatoryBackup\.(\w+);", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();

    // ObservatoryBackup.Naming.X, and Naming.X as a sibling namespace may write it
    [GeneratedRegex(@"\bObservatoryBackup\.(?<ns>\w+)\b|(?<![\w.])(?<ns>\w+)\.(?=[A-Z])")]
    private static partial Regex Reference();

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [Fact]
    public void Every_engine_namespace_uses_only_lower_layers_so_the_graph_has_no_cycle()
    {
        var violations = new List<string>();
        foreach (var (file, text) in SourceFiles(CoreDir))
        {
            var ns = NamespaceLine().Match(text).Groups[1].Value;
            Assert.True(Layer.ContainsKey(ns), $"{file}: namespace {ns} is not on the map; add it to docs/ARCHITECTURE.md and this test");
            Assert.Equal(ns, Path.GetFileName(Path.GetDirectoryName(file)));
            foreach (Match m in Reference().Matches(text))
            {
                var used = m.Groups["ns"].Value;
                if (used == ns || !Layer.TryGetValue(used, out var usedLayer)) continue;
                if (usedLayer >= Layer[ns]) violations.Add($"{Path.GetRelativePath(CoreDir, file)}: {ns} (layer {Layer[ns]}) uses {used} (layer {usedLayer})");
            }
        }
        Assert.Empty(violations.Distinct());
    }

    [Fact]
    public void Only_the_configuration_layer_reads_the_environment()
    {
        var readers = SourceFiles(Path.Combine(Root, "src"))
            .Where(f => f.Text.Contains("Environment.GetEnvironmentVariable", StringComparison.Ordinal))
            .Select(f => Path.GetRelativePath(Root, f.File).Replace('\\', '/'))
            .ToList();
        Assert.Equal(["src/ObservatoryBackup.Core/Configuration/SettingsResolver.cs"], readers);
    }

    [Fact]
    public void No_engine_message_names_a_cmdlet_parameter_or_a_cli_option()
    {
        var names = CmdletParameterNames().Concat(CliOptionNames()).ToHashSet(StringComparer.Ordinal);
        Assert.Contains("-CompressionLevel", names);
        Assert.Contains("--compression-level", names);

        var found = new List<string>();
        foreach (var (file, text) in SourceFiles(CoreDir))
            foreach (var line in text.Split('\n').Where(l => !l.TrimStart().StartsWith("//", StringComparison.Ordinal)))
                foreach (Match literal in StringLiteral().Matches(line))
                    // "--name=" is an argument of another program (pg_dump's --exclude-table=), not a message
                    foreach (var name in names.Where(n => !literal.Value.Contains(n + "=", StringComparison.Ordinal)))
                        if (Regex.IsMatch(literal.Value, $@"(?<![\w-]){Regex.Escape(name)}(?![\w-])"))
                            found.Add($"{Path.GetRelativePath(CoreDir, file)}: {name} in {literal.Value}");
        Assert.Empty(found);
    }

    [Fact]
    public void Every_variable_the_code_reads_is_in_the_configuration_reference_about_help_and_cli_help()
    {
        var variables = typeof(SettingsResolver).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Variable", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!).ToList();
        var readme = File.ReadAllText(Path.Combine(Root, "docs", "CONFIGURATION.md"));
        var start = readme.IndexOf("## Settings", StringComparison.Ordinal);
        var table = readme[start..readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal)];
        Assert.Contains("DATABASE_URL", variables);
        Assert.All(variables, v => Assert.Contains($"`{v}", table));

        var about = File.ReadAllText(Path.Combine(Root, "module", "en-US", "about_ObservatoryBackup.help.txt"));
        var configuration = about[about.IndexOf("CONFIGURATION", StringComparison.Ordinal)..about.IndexOf("OBJECT NAMES", StringComparison.Ordinal)];
        var cli = new ObservatoryBackup.Cli.Commands(TextWriter.Null, TextWriter.Null, TextReader.Null, ObservatoryBackup.Cli.Terminal.None, new SettingsResolver(new Dictionary<string, string?>())).Build().Description!;
        // PATH is everybody's; the credential keys belong to the rotation's own help
        foreach (var v in variables.Where(v => v is not "PATH" && !v.StartsWith("CREDENTIAL_ENCRYPTION_KEY", StringComparison.Ordinal)))
        {
            Assert.True(configuration.Contains(v, StringComparison.Ordinal), $"about_ObservatoryBackup's CONFIGURATION does not name {v}");
            Assert.True(cli.Contains(v, StringComparison.Ordinal), $"obs-backup --help does not name {v}");
        }
    }

    [Fact]
    public void The_cli_names_only_options_that_exist()
    {
        var options = CliOptionNames().ToHashSet(StringComparer.Ordinal);
        var named = Enum.GetValues<ObservatoryBackup.Errors.Setting>().Select(ObservatoryBackup.Cli.OptionNames.For).Where(n => n.StartsWith("--", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.Contains(name, options));
    }

    [Fact]
    public void Only_the_S3_store_knows_the_S3_clients_exceptions()
    {
        // every other store, decorator and use case asks the store what a failure means (IObjectStore.Classify, Translate)
        static bool S3Only(string relative) => relative.StartsWith("src/ObservatoryBackup.Core/Store/S3", StringComparison.Ordinal);
        var naming = SourceFiles(Path.Combine(Root, "src"))
            .Where(f => SdkException().IsMatch(f.Text))
            .Select(f => Path.GetRelativePath(Root, f.File).Replace('\\', '/'))
            .ToList();
        Assert.Contains("src/ObservatoryBackup.Core/Store/S3Errors.cs", naming);
        var elsewhere = naming.Where(f => !S3Only(f)).ToList();
        Assert.Empty(elsewhere);
    }

    [GeneratedRegex(@"\bAmazon(Service|S3|Client)Exception\b")]
    private static partial Regex SdkException();

    private static IEnumerable<string> CmdletParameterNames() =>
        typeof(ObservatoryBackup.PowerShell.ObsCmdletBase).Assembly.GetTypes()
            .Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null)
            .SelectMany(t => t.GetProperties())
            .Where(p => p.GetCustomAttributes<ParameterAttribute>().Any())
            .Select(p => "-" + p.Name);

    private static IEnumerable<string> CliOptionNames()
    {
        var root = new ObservatoryBackup.Cli.Commands(TextWriter.Null, TextWriter.Null, TextReader.Null, ObservatoryBackup.Cli.Terminal.None, new SettingsResolver(new Dictionary<string, string?>())).Build();
        var commands = new[] { (System.CommandLine.Command)root }.Concat(root.Subcommands);
        return commands.SelectMany(c => c.Options).SelectMany(o => o.Aliases.Append(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal) && n is not "--help" and not "--version");
    }

    [Fact]
    public void No_source_file_is_over_400_lines()
    {
        var long_ = new[] { "src", "build" }
            .SelectMany(d => SourceFiles(Path.Combine(Root, d)))
            .Select(f => (File: Path.GetRelativePath(Root, f.File), Lines: f.Text.Split('\n').Length - (f.Text.EndsWith('\n') ? 1 : 0)))
            .Where(f => f.Lines > 400)
            .Select(f => $"{f.File}: {f.Lines} lines");
        Assert.Empty(long_);
    }

    [Fact]
    public void Comments_explain_the_code_not_its_history()
    {
        // what users of the replaced scripts need lives in docs/MIGRATING.md, not in the code's comments
        var history = SourceFiles(Path.Combine(Root, "src"))
            .SelectMany(f => f.Text.Split('\n').Select((line, i) => (f.File, Line: i + 1, Text: line)))
            .Where(l => l.Text.Contains("replaced script", StringComparison.OrdinalIgnoreCase) || l.Text.Contains("the scripts'", StringComparison.OrdinalIgnoreCase))
            .Select(l => $"{Path.GetRelativePath(Root, l.File)}:{l.Line}: {l.Text.Trim()}");
        Assert.Empty(history);
    }

    private static IEnumerable<(string File, string Text)> SourceFiles(string dir) =>
        Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}"))
            .Select(f => (f, File.ReadAllText(f)));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ObservatoryBackup.sln"))) return dir.FullName;
        throw new InvalidOperationException("ObservatoryBackup.sln not found above " + AppContext.BaseDirectory);
    }
}

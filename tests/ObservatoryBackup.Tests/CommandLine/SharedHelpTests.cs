using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;
using ObservatoryBackup.Cli;
using ObservatoryBackup.Configuration;
using ObservatoryBackup.Help;

namespace ObservatoryBackup.Tests.CommandLine;

/// <summary>
/// A setting that both faces take says one text: the CLI's option and the cmdlet's parameter of the same
/// name (as the CLI names it, <see cref="OptionNames.ForParameter"/>), or the command's argument and the
/// cmdlet's first positional parameter, both take it from src/Help/ParameterTexts.cs,
/// each in its own names; obs-backup --help and Get-Help show it so.
/// </summary>
[Trait("Tier", "Fast")]
public sealed class SharedHelpTests
{
    private const string Cite = "F:ObservatoryBackup.Help.ParameterTexts.";

    /// <summary>Each command of obs-backup and the cmdlets that do what it does.</summary>
    private static readonly Dictionary<string, string[]> Faces = new()
    {
        ["backup"] = ["Invoke-ObsBackup"], ["prune"] = ["Invoke-ObsBackup"], ["restore"] = ["Restore-ObsBackup"], ["test"] = ["Test-ObsBackup"],
        ["list"] = ["Get-ObsBackup"], ["status"] = ["Get-ObsBackupStatus"], ["pin"] = ["Protect-ObsBackup"], ["unpin"] = ["Unprotect-ObsBackup"],
        ["new-age-key"] = ["New-ObsAgeKey"], ["new-signing-key"] = ["New-ObsSigningKey"], ["new-credential-key"] = ["New-ObsCredentialKey"],
        ["rotate-credential-key"] = ["Update-ObsCredentialKey"], ["contents"] = ["Get-ObsBackupContents"],
    };

    private static readonly Assembly Cmdlets = typeof(ObservatoryBackup.PowerShell.ObsCmdletBase).Assembly;

    private static readonly Dictionary<string, XElement> Docs = XDocument.Load(Path.ChangeExtension(Cmdlets.Location, ".xml"))
        .Descendants("member").ToDictionary(m => (string)m.Attribute("name")!);

    private static readonly XNamespace Maml = "http://schemas.microsoft.com/maml/2004/10", Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";

    private static readonly XDocument HelpXml = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "en-US", "ObservatoryBackup.PowerShell.dll-Help.xml"));

    private static System.CommandLine.RootCommand Cli() =>
        new Commands(TextWriter.Null, TextWriter.Null, TextReader.Null, false, new SettingsResolver(new Dictionary<string, string?>())).Build();

    private static Dictionary<string, string> Texts() => typeof(ParameterTexts).GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
        .Where(f => f.IsLiteral).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!);

    private static Dictionary<string, Type> CmdletTypes() => Cmdlets.GetTypes()
        .Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null)
        .ToDictionary(t => $"{t.GetCustomAttribute<CmdletAttribute>()!.VerbName}-{t.GetCustomAttribute<CmdletAttribute>()!.NounName}");

    /// <summary>The parameter's doc comment: the cmdlet's own &lt;parameter name&gt;, else the property's summary.</summary>
    private static XElement? DocComment(Type cmdlet, PropertyInfo property) =>
        Docs[$"T:{cmdlet.FullName}"].Elements("parameter").SingleOrDefault(p => (string?)p.Attribute("name") == property.Name)
        ?? Docs.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}")?.Element("summary");

    private static string MamlText(string cmdlet, string parameter)
    {
        var entry = HelpXml.Descendants(Command + "command").Single(c => c.Element(Command + "details")!.Element(Command + "name")!.Value == cmdlet);
        var described = entry.Element(Command + "parameters")!.Elements(Command + "parameter").Single(p => p.Element(Maml + "name")!.Value == parameter);
        return string.Join(" ", described.Element(Maml + "description")!.Elements(Maml + "para").Select(p => p.Value));
    }

    [Fact]
    public void An_option_and_a_parameter_of_one_setting_take_their_text_from_one_source()
    {
        var root = Cli();
        Assert.Equal(Faces.Keys.Order(), root.Subcommands.Select(c => c.Name).Order());
        var cmdlets = CmdletTypes();
        var texts = Texts();
        var shared = new HashSet<string>();
        var disagree = new List<string>();
        foreach (var command in root.Subcommands)
            foreach (var cmdlet in Faces[command.Name])
                foreach (var property in cmdlets[cmdlet].GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()))
                {
                    // the option of the same name, or the command's argument for the cmdlet's first positional parameter
                    var option = (System.CommandLine.Symbol?)command.Options.SingleOrDefault(o => o.Name == OptionNames.ForParameter(property.Name))
                        ?? (property.GetCustomAttributes<ParameterAttribute>().Any(a => a.Position == 0) ? command.Arguments.SingleOrDefault() : null);
                    if (option is null) continue;
                    var where = $"obs-backup {command.Name} {option.Name} / {cmdlet} -{property.Name}";
                    var cited = DocComment(cmdlets[cmdlet], property)?.Nodes().FirstOrDefault() is XElement { Name.LocalName: "see" } see
                        && see.Attribute("cref")?.Value is { } cref && cref.StartsWith(Cite, StringComparison.Ordinal) ? cref[Cite.Length..] : null;
                    if (cited is null)
                    {
                        disagree.Add($"{where}: the parameter's doc comment does not begin with a shared text (<see cref=\"Help.ParameterTexts.…\"/>)");
                        continue;
                    }
                    shared.Add(option.Name);
                    var cli = OptionNames.Render(texts[cited]);
                    if (!(option.Description ?? "").StartsWith(cli, StringComparison.Ordinal))
                        disagree.Add($"{where}: the option says '{option.Description}', not ParameterTexts.{cited}: '{cli}'");
                    var powerShell = HelpTemplate.Render(texts[cited], HelpTemplate.PowerShellName);
                    if (!MamlText(cmdlet, property.Name).StartsWith(powerShell, StringComparison.Ordinal))
                        disagree.Add($"{where}: Get-Help says '{MamlText(cmdlet, property.Name)}', not ParameterTexts.{cited}: '{powerShell}'");
                }
        Assert.Empty(disagree);
        // what both faces take is found as the same setting, so the check above is not empty
        Assert.Superset(new HashSet<string>
        {
            "--no-owner", "--no-tablespaces", "--identity-file", "--jobs", "--include-globals", "--update-existing-roles", "--allow-privileged-roles",
            "--compression", "--compression-level", "--recipient", "--lock-days", "--metrics-file", "--database", "--all-databases", "--exclude-database",
            "--parallel", "--exclude-table", "--exclude-table-data", "--include-role-passwords", "--keep-last", "--keep-daily", "--keep-weekly",
            "--keep-monthly", "--keep-yearly", "--verify-only", "--keep", "--latest", "--in-place", "--max-age", "--output", "--public-key-output",
            "--force", "--table", "--schema", "--key-column", "--column", "object",
        }, shared);
    }

    [Fact]
    public void Every_shared_text_is_used_by_both_faces_and_names_what_each_has()
    {
        var root = Cli();
        var descriptions = root.Subcommands.SelectMany(c => c.Options.Cast<System.CommandLine.Symbol>().Concat(c.Arguments)).Select(o => o.Description ?? "").ToList();
        var options = root.Subcommands.SelectMany(c => c.Options).Select(o => o.Name).ToHashSet();
        var commands = root.Subcommands.Select(c => "obs-backup " + c.Name).ToHashSet();
        var variables = typeof(SettingsResolver).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Variable", StringComparison.Ordinal)).Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        var cmdlets = CmdletTypes();
        var parameters = cmdlets.Values.SelectMany(t => t.GetProperties()).Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()).Select(p => p.Name).ToHashSet();
        var cited = Docs.Values.Descendants("see").Select(s => (string?)s.Attribute("cref")).OfType<string>()
            .Where(c => c.StartsWith(Cite, StringComparison.Ordinal)).Select(c => c[Cite.Length..]).ToHashSet();

        var texts = Texts();
        Assert.NotEmpty(texts);
        // the same source compiled into both faces
        Assert.Equal(texts, Cmdlets.GetType("ObservatoryBackup.Help.ParameterTexts")!.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
            .Where(f => f.IsLiteral).ToDictionary(f => f.Name, f => (string)f.GetRawConstantValue()!));
        var wrong = new List<string>();
        foreach (var (name, text) in texts)
        {
            if (!cited.Contains(name)) wrong.Add($"ParameterTexts.{name}: no cmdlet parameter cites it");
            if (!descriptions.Any(d => d.StartsWith(OptionNames.Render(text), StringComparison.Ordinal))) wrong.Add($"ParameterTexts.{name}: no obs-backup option says it");
            foreach (var placeholder in HelpTemplate.Placeholders(text))
            {
                var isCommand = placeholder.Contains('-', StringComparison.Ordinal);
                if (isCommand ? !cmdlets.ContainsKey(placeholder) : !parameters.Contains(placeholder))
                    wrong.Add($"ParameterTexts.{name}: {{{placeholder}}} is no cmdlet or parameter");
                var cli = OptionNames.ForParameter(placeholder);
                if (isCommand ? !commands.Contains(cli) : !options.Contains(cli) && !variables.Contains(cli))
                    wrong.Add($"ParameterTexts.{name}: {{{placeholder}}} reads '{cli}' in obs-backup's help, which is no command, option or variable");
            }
        }
        Assert.Empty(wrong);
    }

    [Fact]
    public void A_text_reads_in_each_faces_names()
    {
        const string text = "With {AllDatabases} or {Database}; {MetricsPath}, {DatabaseUrl}; as {Get-ObsBackup} {Latest} names it.";
        Assert.Equal("With --all-databases or --database; --metrics-file, DATABASE_URL; as obs-backup list --latest names it.", OptionNames.Render(text));
        Assert.Equal("With -AllDatabases or -Database; -MetricsPath, -DatabaseUrl; as Get-ObsBackup -Latest names it.", HelpTemplate.Render(text, HelpTemplate.PowerShellName));
        Assert.Throws<FormatException>(() => OptionNames.Render("{Database"));
    }
}

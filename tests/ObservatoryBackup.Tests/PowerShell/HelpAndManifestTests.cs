using System.Reflection;
using System.Collections;
using System.Management.Automation;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>What a user sees of the module before running anything: its manifest, its help.</summary>
[Trait("Tier", "Fast")]
public sealed class HelpAndManifestTests : IDisposable
{
    private static readonly HashSet<string> CommonParameters = new(StringComparer.OrdinalIgnoreCase)
    {
        "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
        "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
    };

    private readonly ModuleSession _ps = new();

    public void Dispose() => _ps.Dispose();

    [Fact]
    public void The_manifest_is_valid_and_ready_for_a_gallery()
    {
        var manifest = (PSModuleInfo)Assert.Single(_ps.Invoke($"Test-ModuleManifest -Path '{ModuleSession.ManifestPath}'")).BaseObject;

        Assert.Equal(new Version(0, 1, 0), manifest.Version);
        Assert.NotEqual(Guid.Empty, manifest.Guid);
        Assert.False(string.IsNullOrWhiteSpace(manifest.Author));
        Assert.False(string.IsNullOrWhiteSpace(manifest.Description));
        Assert.Equal(new Version(7, 6), manifest.PowerShellVersion);
        Assert.Equal(["Core"], manifest.CompatiblePSEditions);
        Assert.NotEmpty(manifest.Tags);
        Assert.NotNull(manifest.ProjectUri);

        // what Import-PowerShellDataFile does (it is in Microsoft.PowerShell.Utility, not hosted here)
        var ast = System.Management.Automation.Language.Parser.ParseFile(ModuleSession.ManifestPath, out _, out var errors);
        Assert.Empty(errors);
        var data = (Hashtable)((System.Management.Automation.Language.HashtableAst)ast.Find(a => a is System.Management.Automation.Language.HashtableAst, false)!).SafeGetValue();
        var cmdlets = ((object[])data["CmdletsToExport"]!).Cast<string>().ToList();
        Assert.DoesNotContain(cmdlets, c => c.Contains('*'));
        Assert.Equal(["ObservatoryBackup.format.ps1xml"], ((object[])data["FormatsToProcess"]!).Cast<string>());
        foreach (var key in new[] { "FunctionsToExport", "AliasesToExport", "VariablesToExport" })
            Assert.Empty((object[])data[key]!);
        // the license the manifest points at is in the repository, and is the one it names
        var license = Path.Combine(Fixtures.Shell.RepoRoot, "LICENSE");
        Assert.EndsWith("/LICENSE", manifest.LicenseUri!.ToString());
        Assert.StartsWith("MIT License", File.ReadAllText(license));
    }

    /// <summary>
    /// Help has one source: the MAML the module loads is the one the build writes from the doc comments
    /// beside the code (no hand-kept copy in module/en-US), and says what they say: each cmdlet's synopsis
    /// and description, and each parameter's text, a base class's unless the cmdlet words it its own way
    /// (a &lt;parameter name="…"&gt; in its doc comment), with the shared texts they cite.
    /// </summary>
    [Fact]
    public void The_help_says_what_the_doc_comments_say()
    {
        Assert.Empty(Directory.GetFiles(Path.Combine(Fixtures.Shell.RepoRoot, "module", "en-US"), "*.xml"));
        System.Xml.Linq.XNamespace maml = "http://schemas.microsoft.com/maml/2004/10", command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
        var help = System.Xml.Linq.XDocument.Load(Path.Combine(AppContext.BaseDirectory, "en-US", "ObservatoryBackup.PowerShell.dll-Help.xml"));
        var assembly = typeof(ObservatoryBackup.PowerShell.ObsCmdletBase).Assembly;
        var docs = System.Xml.Linq.XDocument.Load(Path.ChangeExtension(assembly.Location, ".xml")).Descendants("member")
            .ToDictionary(m => (string)m.Attribute("name")!);
        // a cited shared text (src/Help/ParameterTexts.cs) reads as itself, in the cmdlets' names
        static string Cited(string cref) => cref.StartsWith("F:ObservatoryBackup.Help.ParameterTexts.", StringComparison.Ordinal)
            ? Help.HelpTemplate.Render((string)typeof(Help.ParameterTexts).GetField(cref.Split('.')[^1], BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)!.GetRawConstantValue()!, Help.HelpTemplate.PowerShellName)
            : cref.Split('.')[^1];
        static string Text(System.Xml.Linq.XElement? e) => e is null ? "" : System.Text.RegularExpressions.Regex.Replace(
            string.Concat(e.Nodes().Select(n => n is System.Xml.Linq.XElement x ? (x.Attribute("cref")?.Value is { } cref ? Cited(cref) : x.Value) : n.ToString())), @"\s+", " ").Trim();
        static string Paras(System.Xml.Linq.XElement? e, System.Xml.Linq.XName para) => string.Join(" | ", e?.Elements(para).Select(Text) ?? []);
        var disagree = new List<string>();
        var cmdlets = assembly.GetTypes().Where(t => t.GetCustomAttribute<CmdletAttribute>() is not null).ToList();
        Assert.Equal(cmdlets.Count, help.Descendants(command + "command").Count());
        foreach (var type in cmdlets)
        {
            var attr = type.GetCustomAttribute<CmdletAttribute>()!;
            var entry = help.Descendants(command + "command").Single(c => c.Element(command + "details")!.Element(command + "name")!.Value == $"{attr.VerbName}-{attr.NounName}");
            var doc = docs[$"T:{type.FullName}"];
            var synopsis = Text(entry.Element(command + "details")!.Element(maml + "description")!.Element(maml + "para"));
            var docSynopsis = Text(doc.Descendants("para").FirstOrDefault(p => (string?)p.Attribute("type") == "synopsis"));
            if (synopsis != docSynopsis || synopsis.Length == 0) disagree.Add($"{type.Name} synopsis: help '{synopsis}', doc comment '{docSynopsis}'");
            var description = Paras(entry.Element(maml + "description"), maml + "para");
            var docDescription = string.Join(" | ", doc.Descendants("para").Where(p => (string?)p.Attribute("type") == "description").Select(Text));
            if (description != docDescription || description.Length == 0) disagree.Add($"{type.Name} description: help '{description}', doc comment '{docDescription}'");
            foreach (var property in type.GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any()))
            {
                var parameter = entry.Element(command + "parameters")!.Elements(command + "parameter").SingleOrDefault(p => p.Element(maml + "name")!.Value == property.Name);
                var described = parameter is null ? "(none)" : string.Join(" ", parameter.Element(maml + "description")!.Elements(maml + "para").Select(Text));
                var own = doc.Elements("parameter").SingleOrDefault(p => (string?)p.Attribute("name") == property.Name);
                var documented = Text(own ?? docs.GetValueOrDefault($"P:{property.DeclaringType!.FullName}.{property.Name}")?.Element("summary"));
                if (described != documented || documented.Length == 0) disagree.Add($"{type.Name} -{property.Name}: help '{described}', doc comment '{documented}'");
            }
        }
        Assert.Empty(disagree);
    }

    /// <summary>The help says how each parameter binds as the cmdlet itself does: mandatory, position, pipeline input.</summary>
    [Fact]
    public void The_help_binds_parameters_as_the_cmdlets_do()
    {
        var disagree = _ps.Invoke("""
            foreach ($command in Get-Command -Module ObservatoryBackup) {
                foreach ($parameter in $command.Parameters.Values) {
                    $help = Get-Help $command.Name -Parameter $parameter.Name -ErrorAction SilentlyContinue
                    if (-not $help) { continue }  # a common parameter
                    $sets = $parameter.ParameterSets.Values
                    $required = [bool]($sets | Where-Object { -not $_.IsMandatory }) -eq $false
                    $pipeline = [bool]($sets | Where-Object { $_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName })
                    $position = @($sets | Where-Object Position -ge 0)[0].Position  # Select-Object is not in this host
                    if ("$($help.required)" -ne "$required".ToLower()) { "$($command.Name) -$($parameter.Name) required: help $($help.required), cmdlet $required" }
                    if (($help.pipelineInput -like 'True*') -ne $pipeline) { "$($command.Name) -$($parameter.Name) pipeline input: help $($help.pipelineInput), cmdlet $pipeline" }
                    if ("$($help.position)" -ne $(if ($null -eq $position) { 'named' } else { "$position" })) { "$($command.Name) -$($parameter.Name) position: help $($help.position), cmdlet $position" }
                }
            }
            """).Select(o => o.ToString());
        Assert.Empty(disagree);
    }

    [Fact]
    public void Every_view_names_a_type_the_module_writes()
    {
        var format = System.Xml.Linq.XDocument.Load(Path.Combine(Fixtures.Shell.RepoRoot, "module", "ObservatoryBackup.format.ps1xml"));
        var typeNames = format.Descendants("TypeName").Select(t => t.Value.Trim()).ToList();
        Assert.NotEmpty(typeNames);
        var engine = typeof(ObservatoryBackup.Backup.BackupResult).Assembly;
        foreach (var name in typeNames)
            Assert.True(engine.GetType(name) is not null, $"the view for {name} names no type of the engine, so it never applies");
    }

    [Fact]
    public void Every_exported_cmdlet_is_covered_by_the_help_test()
    {
        var exported = _ps.Invoke("(Get-Module ObservatoryBackup).ExportedCmdlets.Keys").Select(o => o.ToString()).Order();
        var covered = typeof(HelpAndManifestTests).GetMethod(nameof(Every_cmdlet_and_parameter_has_help))!
            .GetCustomAttributes(typeof(InlineDataAttribute), false).Cast<InlineDataAttribute>()
            .Select(a => (string)a.GetData(null!).Single()[0]).Order();
        Assert.Equal(exported, covered);
    }

    [Theory]
    [InlineData("Invoke-ObsBackup")]
    [InlineData("Get-ObsBackup")]
    [InlineData("Test-ObsBackup")]
    [InlineData("Get-ObsBackupStatus")]
    [InlineData("Get-ObsBackupContents")]
    [InlineData("Restore-ObsBackup")]
    [InlineData("Update-ObsCredentialKey")]
    [InlineData("New-ObsCredentialKey")]
    [InlineData("New-ObsAgeKey")]
    [InlineData("New-ObsSigningKey")]
    [InlineData("Protect-ObsBackup")]
    [InlineData("Unprotect-ObsBackup")]
    public void Every_cmdlet_and_parameter_has_help(string cmdlet)
    {
        var help = Assert.Single(_ps.Invoke($"Get-Help {cmdlet} -Full"));

        Assert.DoesNotContain(cmdlet, Text(help.Properties["Synopsis"].Value)); // not the generated syntax-only stub
        Assert.True(Text(help.Properties["description"].Value).Length > 80);
        var examples = _ps.Invoke($"(Get-Help {cmdlet} -Full).examples.example | ForEach-Object {{ $_.code }}").Select(o => o.ToString()).ToList();
        Assert.True(examples.Count >= 2, $"{cmdlet} has {examples.Count} examples");

        var parameters = _ps.Invoke($"(Get-Command {cmdlet}).Parameters.Keys").Select(o => o.ToString()!).Where(p => !CommonParameters.Contains(p)).ToList();
        Assert.NotEmpty(parameters);
        foreach (var parameter in parameters)
        {
            var text = _ps.Invoke($"(Get-Help {cmdlet} -Parameter {parameter}).description | ForEach-Object {{ $_.Text }}");
            Assert.True(text.Count > 0 && Text(text[0]).Length > 10, $"{cmdlet} -{parameter} has no help text");
        }
    }

    [Fact]
    public void The_examples_cover_the_specs_workflows()
    {
        var all = string.Join("\n", _ps.Invoke("'Invoke-ObsBackup', 'Get-ObsBackup', 'Restore-ObsBackup' | ForEach-Object { (Get-Help $_ -Full).examples.example | ForEach-Object { $_.code } }"));
        Assert.Contains("Invoke-ObsBackup\n", all + "\n");                         // manual backup
        Assert.Contains("Invoke-ObsBackup -WhatIf", all);                          // dry run
        Assert.Contains("Get-ObsBackup", all);                                     // list
        Assert.Contains("Restore-ObsBackup postgres/2026/02/16/observatory_20260216_020000.sql.gz\n", all + "\n"); // interactive restore
        Assert.Contains("-Force", all);                                            // unattended restore
        Assert.Contains("observatory_restore_test", all);                          // restore into a test database
        Assert.Contains("0 2 * * *", all);                                         // cron line
    }

    [Fact]
    public void The_about_topic_lists_every_exported_cmdlet()
    {
        var text = string.Join("\n", _ps.Invoke("Get-Help about_ObservatoryBackup").Select(o => o.ToString()));
        var exported = _ps.Invoke("(Get-Module ObservatoryBackup).ExportedCmdlets.Keys").Select(o => o.ToString()!).ToList();
        Assert.NotEmpty(exported);
        var start = text.IndexOf("LONG DESCRIPTION", StringComparison.Ordinal);
        var list = text[start..text.IndexOf("SEVERAL DATABASES", start, StringComparison.Ordinal)];
        Assert.All(exported, cmdlet => Assert.Matches($@"(?m)^\s+{cmdlet}\b", list));
        var seeAlso = text[text.IndexOf("SEE ALSO", StringComparison.Ordinal)..];
        Assert.All(exported, cmdlet => Assert.Contains(cmdlet, seeAlso));
    }

    [Fact]
    public void The_readme_table_lists_every_exported_cmdlet()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));
        var exported = _ps.Invoke("(Get-Module ObservatoryBackup).ExportedCmdlets.Keys").Select(o => o.ToString()!).ToList();
        Assert.NotEmpty(exported);
        Assert.All(exported, cmdlet => Assert.Matches($@"(?m)^\| `{cmdlet}` \|", readme));
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "ObservatoryBackup.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("ObservatoryBackup.sln not found above the test output.");
    }

    [Fact]
    public void The_about_topic_covers_configuration_and_retention()
    {
        var text = string.Join("\n", _ps.Invoke("Get-Help about_ObservatoryBackup").Select(o => o.ToString()));
        Assert.Contains("RETENTION POLICY", text);
        foreach (var variable in new[] { "DATABASE_URL", "MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MINIO_BUCKET", "MINIO_SECURE", "BACKUP_RETENTION_DAYS" })
            Assert.Contains(variable, text);
    }

    private static string Text(object? value) => value switch
    {
        null => "",
        PSObject { BaseObject: object[] items } => string.Join(" ", items.Select(Text)),
        PSObject ps when ps.Properties["Text"] is { } t => t.Value?.ToString() ?? "",
        object[] items => string.Join(" ", items.Select(Text)),
        _ => value.ToString() ?? "",
    };
}

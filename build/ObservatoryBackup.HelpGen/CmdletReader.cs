using System.Collections.ObjectModel;
using System.Reflection;
using System.Xml.Linq;

namespace ObservatoryBackup.HelpGen;

/// <summary>
/// Reads each public cmdlet of an assembly loaded for inspection only: its name and parameter sets
/// from its attributes, its words from its doc comments.
/// </summary>
/// <remarks>
/// A cmdlet's doc comment: &lt;summary&gt; with &lt;para type="synopsis"&gt; and &lt;para type="description"&gt;,
/// then &lt;example title="…"&gt; (a &lt;code&gt; and &lt;para&gt; remarks), &lt;input type="…"&gt;, &lt;output&gt;,
/// &lt;remarks&gt; (notes), &lt;seealso&gt; (a cmdlet's cref, or an href), and &lt;parameter name="…"&gt; for a
/// parameter that a base class declares but this cmdlet means in its own way. A parameter's doc
/// comment: &lt;summary&gt;, and &lt;default&gt; for what it is when not given.
/// </remarks>
public static class CmdletReader
{
    private const string Automation = "System.Management.Automation.";
    private const string AllSets = "__AllParameterSets";

    public static IReadOnlyList<CmdletHelp> Read(Assembly assembly, DocComments docs)
    {
        var cmdletTypes = assembly.GetExportedTypes()
            .Where(t => !t.IsAbstract && Attribute(t, "CmdletAttribute") is not null)
            .ToList();
        var names = cmdletTypes.ToDictionary(t => t.FullName!, t => CmdletName(Attribute(t, "CmdletAttribute")!), StringComparer.Ordinal);
        return cmdletTypes.Select(t => ReadCmdlet(t, docs, names)).OrderBy(c => c.Noun, StringComparer.Ordinal).ThenBy(c => c.Verb, StringComparer.Ordinal).ToList();
    }

    private static CmdletHelp ReadCmdlet(Type type, DocComments docs, IReadOnlyDictionary<string, string> cmdletNames)
    {
        var cmdlet = Attribute(type, "CmdletAttribute")!;
        var name = CmdletName(cmdlet);
        var doc = docs.Member("T:" + type.FullName) ?? throw new HelpException($"{name} ({type.Name}) has no doc comment");
        var summary = doc.Element("summary");
        var synopsis = DocComments.Text(summary?.Elements("para").FirstOrDefault(p => (string?)p.Attribute("type") == "synopsis"));
        var description = summary?.Elements("para").Where(p => (string?)p.Attribute("type") == "description").Select(DocComments.Text).ToList() ?? [];
        if (synopsis.Length == 0) throw new HelpException($"{name} has no <para type=\"synopsis\">");
        if (description.Count == 0) throw new HelpException($"{name} has no <para type=\"description\">");
        var own = doc.Elements("parameter").ToDictionary(p => (string)p.Attribute("name")!, p => DocComments.Paragraphs(p), StringComparer.Ordinal);

        var bindings = new List<(ParameterHelp Parameter, string Set, ParameterBinding Binding)>();
        foreach (var property in Properties(type))
        {
            var attributes = property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Automation + "ParameterAttribute").ToList();
            if (attributes.Count == 0) continue;
            var parameter = ReadParameter(name, property, docs, own);
            foreach (var attribute in attributes)
            {
                var set = Named<string>(attribute, "ParameterSetName") ?? AllSets;
                var position = Named<int?>(attribute, "Position") is { } p and >= 0 ? p : (int?)null;
                bindings.Add((parameter, set, new ParameterBinding(parameter, Named<bool?>(attribute, "Mandatory") ?? false, position,
                    Named<bool?>(attribute, "ValueFromPipeline") ?? false, Named<bool?>(attribute, "ValueFromPipelineByPropertyName") ?? false)));
            }
        }
        if (Named<bool?>(cmdlet, "SupportsShouldProcess") == true)
        {
            foreach (var (common, text) in new[] { ("WhatIf", "Shows what would happen if the cmdlet runs. The cmdlet is not run."), ("Confirm", "Prompts you for confirmation before running the cmdlet.") })
            {
                var parameter = new ParameterHelp(common, "SwitchParameter", true, false, false, [common == "WhatIf" ? "wi" : "cf"],
                    own.TryGetValue(common, out var words) ? words : [text], "False");
                bindings.Add((parameter, AllSets, new ParameterBinding(parameter, false, null, false, false)));
            }
        }
        var unknown = own.Keys.Where(k => bindings.All(b => b.Parameter.Name != k)).ToList();
        if (unknown.Count > 0) throw new HelpException($"{name}'s doc comment describes <parameter name=\"{unknown[0]}\">, which it does not have");

        return new CmdletHelp(
            (string)cmdlet.ConstructorArguments[0].Value!,
            (string)cmdlet.ConstructorArguments[1].Value!,
            synopsis,
            description,
            bindings.Select(b => b.Parameter).Distinct().ToList(),
            ParameterSets(bindings.Select(b => (b.Set, b.Binding)).ToList(), Named<string>(cmdlet, "DefaultParameterSetName")),
            Inputs(doc),
            Outputs(type, doc),
            DocComments.Paragraphs(doc.Element("remarks")),
            Examples(name, doc),
            doc.Elements("seealso").Select(s => Link(s, cmdletNames)).ToList());
    }

    private static ParameterHelp ReadParameter(string cmdlet, PropertyInfo property, DocComments docs, IReadOnlyDictionary<string, IReadOnlyList<string>> own)
    {
        var doc = docs.Member($"P:{property.DeclaringType!.FullName}.{property.Name}");
        var description = own.TryGetValue(property.Name, out var words) ? words : DocComments.Paragraphs(doc?.Element("summary"));
        if (description.Count == 0) throw new HelpException($"{cmdlet} -{property.Name} has no doc comment");
        var type = property.PropertyType;
        var isArray = type.IsArray;
        if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "System.Nullable`1") type = type.GetGenericArguments()[0];
        var aliases = property.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Automation + "AliasAttribute")
            .SelectMany(a => ((ReadOnlyCollection<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => (string)v.Value!))
            .ToList();
        var defaultValue = DocComments.Text(doc?.Element("default"));
        return new ParameterHelp(
            property.Name,
            type.Name,
            type.FullName == Automation + "SwitchParameter",
            isArray,
            property.GetCustomAttributesData().Any(a => a.AttributeType.FullName == Automation + "SupportsWildcardsAttribute"),
            aliases,
            description,
            defaultValue.Length > 0 ? defaultValue : null);
    }

    /// <summary>Each parameter set with the parameters of every set, the default set first; one syntax when no set is named.</summary>
    private static IReadOnlyList<ParameterSetHelp> ParameterSets(IReadOnlyList<(string Set, ParameterBinding Binding)> bindings, string? defaultSet)
    {
        // the default set is a syntax of its own even when no parameter names it (the parameters of every set)
        var named = bindings.Select(b => b.Set).Prepend(defaultSet).OfType<string>().Where(s => s != AllSets).Distinct().ToList();
        if (named.Count == 0) named.Add(AllSets);
        return named.Select(set => new ParameterSetHelp(set, bindings
                .Where(b => b.Set == set || b.Set == AllSets)
                .Select(b => b.Binding)
                .OrderBy(b => b.Position ?? int.MaxValue)
                .ThenBy(b => b.Mandatory ? 0 : 1)
                .ToList()))
            .ToList();
    }

    /// <summary>The cmdlet's own properties first, then its base classes'; an override stands for the property it overrides.</summary>
    private static IEnumerable<PropertyInfo> Properties(Type type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var t = type; t is not null && t.Assembly == type.Assembly; t = t.BaseType)
        {
            foreach (var property in t.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
                if (seen.Add(property.Name)) yield return property;
        }
    }

    private static IReadOnlyList<TypeHelp> Inputs(XElement doc)
    {
        var inputs = doc.Elements("input").Select(i => new TypeHelp((string?)i.Attribute("type") ?? "None", DocComments.Paragraphs(i))).ToList();
        return inputs.Count > 0 ? inputs : [new TypeHelp("None", ["This cmdlet takes no pipeline input."])];
    }

    /// <summary>The [OutputType] types, the first with the &lt;output&gt; words.</summary>
    private static IReadOnlyList<TypeHelp> Outputs(Type type, XElement doc)
    {
        var types = type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == Automation + "OutputTypeAttribute")
            .SelectMany(a => ((ReadOnlyCollection<CustomAttributeTypedArgument>)a.ConstructorArguments[0].Value!).Select(v => ((Type)v.Value!).FullName!))
            .ToList();
        var words = DocComments.Paragraphs(doc.Element("output"));
        if (types.Count == 0) return [new TypeHelp("None", words.Count > 0 ? words : ["This cmdlet writes no output."])];
        return types.Select((t, i) => new TypeHelp(t, i == 0 ? words : [])).ToList();
    }

    private static IReadOnlyList<ExampleHelp> Examples(string cmdlet, XElement doc)
    {
        var examples = doc.Elements("example").Select(e => new ExampleHelp(
            (string?)e.Attribute("title") ?? throw new HelpException($"an example of {cmdlet} has no title"),
            DocComments.Code(e.Element("code") ?? throw new HelpException($"an example of {cmdlet} has no <code>")),
            e.Elements("para").Select(DocComments.Text).ToList())).ToList();
        return examples.Count > 0 ? examples : throw new HelpException($"{cmdlet} has no <example>");
    }

    private static LinkHelp Link(XElement seealso, IReadOnlyDictionary<string, string> cmdletNames)
    {
        if (seealso.Attribute("cref")?.Value is { } cref)
            return new LinkHelp(cmdletNames.GetValueOrDefault(cref[2..]) ?? cref.Split('.')[^1], "");
        var href = (string?)seealso.Attribute("href") ?? "";
        var text = DocComments.Text(seealso);
        return new LinkHelp(text.Length > 0 ? text : href, href.Contains("://", StringComparison.Ordinal) ? href : "");
    }

    private static CustomAttributeData? Attribute(MemberInfo member, string name) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType.FullName == Automation + name);

    private static string CmdletName(CustomAttributeData cmdlet) => $"{cmdlet.ConstructorArguments[0].Value}-{cmdlet.ConstructorArguments[1].Value}";

    private static T? Named<T>(CustomAttributeData attribute, string name)
    {
        var argument = attribute.NamedArguments.FirstOrDefault(a => a.MemberName == name);
        return argument.MemberInfo is null ? default : (T?)argument.TypedValue.Value;
    }
}

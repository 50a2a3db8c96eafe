using System.Text;
using System.Xml;

namespace ObservatoryBackup.HelpGen;

/// <summary>Writes cmdlet help as the MAML file PowerShell reads beside a cmdlet assembly (en-US/ASSEMBLY.dll-Help.xml).</summary>
public static class MamlWriter
{
    private const string Maml = "http://schemas.microsoft.com/maml/2004/10";
    private const string Command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
    private const string Dev = "http://schemas.microsoft.com/maml/dev/2004/10";

    public static void Write(IReadOnlyList<CmdletHelp> cmdlets, string path)
    {
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", Encoding = new UTF8Encoding(false), NewLineChars = "\n" };
        using var xml = XmlWriter.Create(path, settings);
        xml.WriteStartDocument();
        xml.WriteComment(" Generated at build by build/ObservatoryBackup.HelpGen from the cmdlets' doc comments and the texts they cite (src/Help/ParameterTexts.cs): edit those, not this. ");
        xml.WriteStartElement("helpItems", "http://msh");
        xml.WriteAttributeString("schema", "maml");
        foreach (var cmdlet in cmdlets) WriteCommand(xml, cmdlet);
        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    private static void WriteCommand(XmlWriter xml, CmdletHelp cmdlet)
    {
        xml.WriteStartElement("command", "command", Command);
        xml.WriteAttributeString("xmlns", "maml", null, Maml);
        xml.WriteAttributeString("xmlns", "dev", null, Dev);

        xml.WriteStartElement("command", "details", Command);
        xml.WriteElementString("command", "name", Command, cmdlet.Name);
        xml.WriteElementString("command", "verb", Command, cmdlet.Verb);
        xml.WriteElementString("command", "noun", Command, cmdlet.Noun);
        Description(xml, [cmdlet.Synopsis]);
        xml.WriteEndElement();
        Description(xml, cmdlet.Description);

        xml.WriteStartElement("command", "syntax", Command);
        foreach (var set in cmdlet.ParameterSets)
        {
            xml.WriteStartElement("command", "syntaxItem", Command);
            xml.WriteElementString("maml", "name", Maml, cmdlet.Name);
            foreach (var binding in set.Parameters) Parameter(xml, binding, inSyntax: true);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        xml.WriteStartElement("command", "parameters", Command);
        foreach (var parameter in cmdlet.Parameters) Parameter(xml, Summary(cmdlet, parameter), inSyntax: false);
        xml.WriteEndElement();

        Types(xml, "inputTypes", "inputType", cmdlet.Inputs);
        Types(xml, "returnValues", "returnValue", cmdlet.Outputs);

        if (cmdlet.Notes.Count > 0)
        {
            xml.WriteStartElement("maml", "alertSet", Maml);
            xml.WriteStartElement("maml", "alert", Maml);
            foreach (var note in cmdlet.Notes) xml.WriteElementString("maml", "para", Maml, note);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }

        xml.WriteStartElement("command", "examples", Command);
        foreach (var (example, i) in cmdlet.Examples.Select((e, i) => (e, i + 1)))
        {
            xml.WriteStartElement("command", "example", Command);
            xml.WriteElementString("maml", "title", Maml, $"-------------------------- Example {i}: {example.Title} --------------------------");
            xml.WriteElementString("dev", "code", Dev, example.Code);
            xml.WriteStartElement("dev", "remarks", Dev);
            foreach (var remark in example.Remarks.DefaultIfEmpty("")) xml.WriteElementString("maml", "para", Maml, remark);
            xml.WriteEndElement();
            xml.WriteEndElement();
        }
        xml.WriteEndElement();

        if (cmdlet.Links.Count > 0)
        {
            xml.WriteStartElement("command", "relatedLinks", Command);
            foreach (var link in cmdlet.Links)
            {
                xml.WriteStartElement("maml", "navigationLink", Maml);
                xml.WriteElementString("maml", "linkText", Maml, link.Text);
                xml.WriteElementString("maml", "uri", Maml, link.Uri);
                xml.WriteEndElement();
            }
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    /// <summary>A parameter across its sets, for the PARAMETERS section: required only when every set requires it.</summary>
    private static ParameterBinding Summary(CmdletHelp cmdlet, ParameterHelp parameter)
    {
        var bindings = cmdlet.ParameterSets.SelectMany(s => s.Parameters).Where(b => b.Parameter == parameter).ToList();
        return new ParameterBinding(parameter,
            bindings.All(b => b.Mandatory),
            bindings.Select(b => b.Position).FirstOrDefault(p => p is not null),
            bindings.Any(b => b.ByValue),
            bindings.Any(b => b.ByPropertyName));
    }

    /// <summary>A parameter; in a syntax, a switch has no value (Get-Help shows [-Force], not [-Force &lt;SwitchParameter&gt;]).</summary>
    private static void Parameter(XmlWriter xml, ParameterBinding binding, bool inSyntax)
    {
        var parameter = binding.Parameter;
        xml.WriteStartElement("command", "parameter", Command);
        xml.WriteAttributeString("required", Bool(binding.Mandatory));
        xml.WriteAttributeString("variableLength", Bool(parameter.IsArray));
        xml.WriteAttributeString("globbing", Bool(parameter.Globbing));
        xml.WriteAttributeString("pipelineInput", binding.PipelineInput);
        xml.WriteAttributeString("position", binding.PositionText);
        xml.WriteAttributeString("aliases", parameter.Aliases.Count > 0 ? string.Join(", ", parameter.Aliases) : "none");
        xml.WriteElementString("maml", "name", Maml, parameter.Name);
        Description(xml, parameter.Description);
        if (!(inSyntax && parameter.IsSwitch))
        {
            xml.WriteStartElement("command", "parameterValue", Command);
            xml.WriteAttributeString("required", Bool(!parameter.IsSwitch));
            xml.WriteAttributeString("variableLength", Bool(parameter.IsArray));
            xml.WriteString(parameter.TypeName);
            xml.WriteEndElement();
        }
        xml.WriteStartElement("dev", "type", Dev);
        xml.WriteElementString("maml", "name", Maml, parameter.TypeName);
        xml.WriteEndElement();
        xml.WriteElementString("dev", "defaultValue", Dev, parameter.DefaultValue ?? (parameter.IsSwitch ? "False" : "None"));
        xml.WriteEndElement();
    }

    private static void Types(XmlWriter xml, string list, string item, IReadOnlyList<TypeHelp> types)
    {
        xml.WriteStartElement("command", list, Command);
        foreach (var type in types)
        {
            xml.WriteStartElement("command", item, Command);
            xml.WriteStartElement("dev", "type", Dev);
            xml.WriteElementString("maml", "name", Maml, type.TypeName);
            xml.WriteEndElement();
            Description(xml, type.Description);
            xml.WriteEndElement();
        }
        xml.WriteEndElement();
    }

    private static void Description(XmlWriter xml, IReadOnlyList<string> paragraphs)
    {
        xml.WriteStartElement("maml", "description", Maml);
        foreach (var para in paragraphs) xml.WriteElementString("maml", "para", Maml, para);
        xml.WriteEndElement();
    }

    private static string Bool(bool value) => value ? "true" : "false";
}

using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace ObservatoryBackup.HelpGen;

/// <summary>
/// The compiler's XML documentation file, by member ID (T:Namespace.Type, P:Namespace.Type.Property),
/// and the way its elements read as plain help text.
/// </summary>
public sealed partial class DocComments
{
    private readonly Dictionary<string, XElement> _members;

    private DocComments(Dictionary<string, XElement> members) => _members = members;

    /// <summary>The file at <paramref name="path"/>, each &lt;see cref&gt; that <paramref name="cited"/> resolves replaced by its text.</summary>
    public static DocComments Load(string path, Func<string, string?> cited)
    {
        var document = XDocument.Load(path);
        foreach (var see in document.Descendants("see").ToList())
            if (see.Attribute("cref")?.Value is { } cref && cited(cref) is { } text) see.ReplaceWith(new XText(text));
        return new(document.Descendants("member").ToDictionary(m => (string)m.Attribute("name")!, StringComparer.Ordinal));
    }

    public XElement? Member(string id) => _members.GetValueOrDefault(id);

    /// <summary>
    /// The paragraphs of an element: each &lt;para&gt; one, or its whole text one when it has none;
    /// cref references read as their last name, whitespace collapsed as in any XML text.
    /// </summary>
    public static IReadOnlyList<string> Paragraphs(XElement? element)
    {
        if (element is null) return [];
        var paras = element.Elements("para").ToList();
        var texts = paras.Count > 0 ? paras.Select(Text) : [Text(element)];
        return texts.Where(t => t.Length > 0).ToList();
    }

    public static string Text(XElement? element) => element is null ? "" : Whitespace().Replace(Inline(element), " ").Trim();

    private static string Inline(XElement element) => string.Concat(element.Nodes().Select(node => node switch
    {
        XText text => text.Value,
        XElement { Name.LocalName: "see" or "seealso" } see =>
            see.Attribute("cref")?.Value.Split('.', ':')[^1] ?? see.Attribute("langword")?.Value ?? see.Attribute("href")?.Value ?? "",
        XElement { Name.LocalName: "paramref" or "typeparamref" } reference => reference.Attribute("name")?.Value ?? "",
        XElement nested => Inline(nested),
        _ => "",
    }));

    /// <summary>A &lt;code&gt; element's lines as written, the indentation they share taken off.</summary>
    public static string Code(XElement code)
    {
        var lines = code.Value.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        while (lines.Count > 0 && lines[0].Trim().Length == 0) lines.RemoveAt(0);
        while (lines.Count > 0 && lines[^1].Trim().Length == 0) lines.RemoveAt(lines.Count - 1);
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..].TrimEnd() : l.Trim()));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}

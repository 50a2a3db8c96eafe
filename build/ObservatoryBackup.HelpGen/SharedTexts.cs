using System.Reflection;
using ObservatoryBackup.Help;

namespace ObservatoryBackup.HelpGen;

/// <summary>
/// The texts the cmdlets share with the CLI (src/Help/ParameterTexts.cs), as a doc comment cites them
/// (&lt;see cref="Help.ParameterTexts.NoOwner"/&gt;): read from the cmdlet assembly's constants and
/// rendered in the cmdlets' names.
/// </summary>
public sealed class SharedTexts(Assembly assembly)
{
    public const string TypeName = "ObservatoryBackup.Help.ParameterTexts";
    private const string Prefix = "F:" + TypeName + ".";

    private readonly Type? _texts = assembly.GetType(TypeName);

    /// <summary>The rendered text a cref names, or null when it names no shared text.</summary>
    public string? Resolve(string cref)
    {
        if (!cref.StartsWith(Prefix, StringComparison.Ordinal)) return null;
        var name = cref[Prefix.Length..];
        var field = _texts?.GetField(name, BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic);
        if (field is not { IsLiteral: true } || field.GetRawConstantValue() is not string text)
            throw new HelpException($"a doc comment cites {TypeName}.{name}, which is no text of {assembly.GetName().Name}");
        return HelpTemplate.Render(text, HelpTemplate.PowerShellName);
    }
}

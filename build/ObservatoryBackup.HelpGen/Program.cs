using System.Reflection;

namespace ObservatoryBackup.HelpGen;

/// <summary>
/// Writes the MAML help of the cmdlets in an assembly from their attributes and doc comments (and the
/// texts they share with the CLI, which the doc comments cite).
/// Usage: ObservatoryBackup.HelpGen ASSEMBLY DOC_XML REFERENCES_FILE OUTPUT_MAML, where REFERENCES_FILE
/// lists the assemblies ASSEMBLY was compiled against, one path a line.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length != 4)
        {
            Console.Error.WriteLine("usage: ObservatoryBackup.HelpGen ASSEMBLY DOC_XML REFERENCES_FILE OUTPUT_MAML");
            return 2;
        }
        var (assemblyPath, docPath, referencesPath, outputPath) = (args[0], args[1], args[2], args[3]);
        if (!File.Exists(docPath))
        {
            Console.Error.WriteLine($"{docPath}: error HELP002: no XML documentation, the help's only source (is GenerateDocumentationFile false?)");
            return 1;
        }
        var references = File.ReadAllLines(referencesPath).Where(l => l.Length > 0).Append(assemblyPath).Distinct(StringComparer.Ordinal);
        using var context = new MetadataLoadContext(new PathAssemblyResolver(references));
        var assembly = context.LoadFromAssemblyPath(Path.GetFullPath(assemblyPath));
        try
        {
            var cmdlets = CmdletReader.Read(assembly, DocComments.Load(docPath, new SharedTexts(assembly).Resolve));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(outputPath))!);
            MamlWriter.Write(cmdlets, outputPath);
            return 0;
        }
        catch (HelpException ex)
        {
            // MSBuild shows "error:" lines as build errors
            Console.Error.WriteLine($"{docPath}: error HELP001: {ex.Message}");
            return 1;
        }
    }
}

/// <summary>A cmdlet whose help is missing something every cmdlet must have.</summary>
public sealed class HelpException(string message) : Exception(message);

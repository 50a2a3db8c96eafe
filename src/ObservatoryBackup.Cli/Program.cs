using System.Collections;
using ObservatoryBackup.Cli;

var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
    environment[(string)e.Key] = (string?)e.Value;

var commands = new Commands(Console.Out, Console.Error, Console.In, !Console.IsInputRedirected, environment);
return await commands.Build().Parse(args).InvokeAsync();

using ObservatoryBackup.Cli;
using ObservatoryBackup.Configuration;

var commands = new Commands(Console.Out, Console.Error, Console.In, !Console.IsInputRedirected, SettingsResolver.FromProcess());
return await commands.InvokeAsync(args);

using ObservatoryBackup.Cli;
using ObservatoryBackup.Configuration;

var resolver = SettingsResolver.FromProcess();
var commands = new Commands(Console.Out, Console.Error, Console.In, Terminal.FromConsole(resolver.ColourRefused), resolver);
return await commands.InvokeAsync(args);

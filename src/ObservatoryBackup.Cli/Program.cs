using System.CommandLine;
using ObservatoryBackup.Cli;
using ObservatoryBackup.Configuration;

var commands = new Commands(Console.Out, Console.Error, Console.In, !Console.IsInputRedirected, SettingsResolver.FromProcess());
// Ctrl+C and SIGTERM (docker stop) cancel the run; it then aborts its upload, drops a staging
// database, removes its temporary file and logs the failed *_finished line, within docker's 10 s.
return await commands.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(10) });

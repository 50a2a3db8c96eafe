using System.Collections.ObjectModel;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Security;

namespace ObservatoryBackup.Tests.PowerShell;

/// <summary>
/// A minimal host: records what PowerShell writes to it (What if: lines, Write-Host) and answers
/// confirmation prompts with a fixed choice, as a person at the console would.
/// </summary>
public sealed class TestHost : PSHost
{
    private readonly TestHostUI _ui = new();

    /// <summary>Label of the choice to pick at a prompt ("Yes", "No", …); null fails the test if a prompt comes.</summary>
    public string? Answer { get => _ui.Answer; set => _ui.Answer = value; }
    public List<string> Prompts => _ui.Prompts;
    public List<string> Lines => _ui.Lines;

    public override string Name => "ObservatoryBackupTestHost";
    public override Version Version => new(1, 0);
    public override Guid InstanceId { get; } = Guid.NewGuid();
    public override PSHostUserInterface UI => _ui;
    public override CultureInfo CurrentCulture => CultureInfo.InvariantCulture;
    public override CultureInfo CurrentUICulture => CultureInfo.InvariantCulture;
    public override void SetShouldExit(int exitCode) { }
    public override void EnterNestedPrompt() => throw new NotSupportedException();
    public override void ExitNestedPrompt() => throw new NotSupportedException();
    public override void NotifyBeginApplication() { }
    public override void NotifyEndApplication() { }

    private sealed class TestHostUI : PSHostUserInterface
    {
        public string? Answer { get; set; }
        public List<string> Prompts { get; } = [];
        public List<string> Lines { get; } = [];

        public override PSHostRawUserInterface? RawUI => null;

        public override int PromptForChoice(string caption, string message, Collection<ChoiceDescription> choices, int defaultChoice)
        {
            Prompts.Add($"{caption}: {message}");
            if (Answer is null) throw new InvalidOperationException($"Unexpected prompt: {caption}: {message}");
            for (var i = 0; i < choices.Count; i++)
                if (choices[i].Label.Replace("&", "", StringComparison.Ordinal).Equals(Answer, StringComparison.OrdinalIgnoreCase)) return i;
            throw new InvalidOperationException($"No choice '{Answer}' among {string.Join(", ", choices.Select(c => c.Label))}");
        }

        public override void WriteLine(string value) => Lines.Add(value);
        public override void Write(string value) => Lines.Add(value);
        public override void Write(ConsoleColor foregroundColor, ConsoleColor backgroundColor, string value) => Lines.Add(value);
        public override void WriteErrorLine(string value) => Lines.Add("ERROR: " + value);
        public override void WriteDebugLine(string message) { }
        public override void WriteProgress(long sourceId, ProgressRecord record) { }
        public override void WriteVerboseLine(string message) { }
        public override void WriteWarningLine(string message) => Lines.Add("WARNING: " + message);
        public override Dictionary<string, PSObject> Prompt(string caption, string message, Collection<FieldDescription> descriptions) =>
            throw new InvalidOperationException("Unexpected prompt for input: " + message);
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName) =>
            throw new InvalidOperationException("Unexpected credential prompt");
        public override PSCredential PromptForCredential(string caption, string message, string userName, string targetName,
            PSCredentialTypes allowedCredentialTypes, PSCredentialUIOptions options) =>
            throw new InvalidOperationException("Unexpected credential prompt");
        public override string ReadLine() => throw new InvalidOperationException("Unexpected ReadLine");
        public override SecureString ReadLineAsSecureString() => throw new InvalidOperationException("Unexpected ReadLine");
    }
}

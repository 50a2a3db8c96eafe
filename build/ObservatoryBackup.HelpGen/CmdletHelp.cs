namespace ObservatoryBackup.HelpGen;

/// <summary>One cmdlet's help, as MAML has it.</summary>
public sealed record CmdletHelp(
    string Verb,
    string Noun,
    string Synopsis,
    IReadOnlyList<string> Description,
    IReadOnlyList<ParameterHelp> Parameters,
    IReadOnlyList<ParameterSetHelp> ParameterSets,
    IReadOnlyList<TypeHelp> Inputs,
    IReadOnlyList<TypeHelp> Outputs,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ExampleHelp> Examples,
    IReadOnlyList<LinkHelp> Links)
{
    public string Name => $"{Verb}-{Noun}";
}

/// <summary>A parameter: what it is, what it says, and how it binds in each parameter set it belongs to.</summary>
public sealed record ParameterHelp(
    string Name,
    string TypeName,
    bool IsSwitch,
    bool IsArray,
    bool Globbing,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Description,
    string? DefaultValue);

/// <summary>A parameter as one parameter set binds it.</summary>
public sealed record ParameterBinding(ParameterHelp Parameter, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName)
{
    public string PositionText => Position is { } p ? p.ToString(System.Globalization.CultureInfo.InvariantCulture) : "named";

    public string PipelineInput => (ByValue, ByPropertyName) switch
    {
        (true, true) => "True (ByValue, ByPropertyName)",
        (true, false) => "True (ByValue)",
        (false, true) => "True (ByPropertyName)",
        _ => "False",
    };
}

/// <summary>One syntax of a cmdlet.</summary>
public sealed record ParameterSetHelp(string Name, IReadOnlyList<ParameterBinding> Parameters);

public sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

public sealed record LinkHelp(string Text, string Uri);

using System.Management.Automation;

namespace ObservatoryBackup.PowerShell;

/// <summary>
/// Lets a TimeSpan parameter take what the CLI's options take (26h, 90m, 2d, 45s, 1.02:00:00), as
/// well as a TimeSpan: PowerShell itself would only convert the last form.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class DurationTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData) =>
        (inputData is PSObject wrapped ? wrapped.BaseObject : inputData) switch
        {
            TimeSpan span => span,
            string text => Configuration.Durations.TryParse(text)
                ?? throw new ArgumentTransformationMetadataException($"'{text}' is not a duration: use 26h, 90m, 2d, 45s or 1.02:00:00."),
            var other => other,
        };
}

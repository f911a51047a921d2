namespace Tributary.Athena;

/// <summary>Settings of the Athena API: the `primary` work group's result location (null: requests must name one).</summary>
public sealed class AthenaOptions
{
    public const string PrimaryWorkGroup = "primary";

    public string? PrimaryOutputLocation { get; init; }
}

namespace Tributary.Schemas.Compatibility;

/// <summary>The seven compatibility levels of the registry's <c>config</c> (their REST names are the enum names).</summary>
public enum CompatibilityLevel
{
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

public static class CompatibilityLevels
{
    private static readonly string[] Names = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"];

    public static string ToRestName(this CompatibilityLevel level) => Names[(int)level];

    /// <summary>Parses a REST name (case-insensitive, as the registry accepts it); false for anything else.</summary>
    public static bool TryParse(string? name, out CompatibilityLevel level)
    {
        for (var i = 0; i < Names.Length; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.OrdinalIgnoreCase))
            {
                level = (CompatibilityLevel)i;
                return true;
            }
        }
        level = CompatibilityLevel.None;
        return false;
    }
}

/// <summary>
/// Applies a compatibility level to a new schema and the registered versions of its subject. BACKWARD: the new schema
/// reads data written with the previous one; FORWARD: the previous one reads data written with the new one; FULL: both.
/// The transitive levels check every registered version, the others only the latest. Thread-safe (stateless).
/// </summary>
public static class CompatibilityChecker
{
    /// <summary>The reasons the new schema breaks the level; empty when it is compatible.</summary>
    /// <param name="previous">The subject's live versions, oldest first.</param>
    public static IReadOnlyList<string> Check(CompatibilityLevel level, ParsedSchema candidate, IReadOnlyList<ParsedSchema> previous)
    {
        if (level == CompatibilityLevel.None || previous.Count == 0)
        {
            return [];
        }
        var transitive = level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
        var backward = level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var forward = level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;
        var messages = new List<string>();
        // Latest first, as the registry reports them; a non-transitive level stops after the latest.
        for (var i = previous.Count - 1; i >= 0; i--)
        {
            var old = previous[i];
            if (old.SchemaType != candidate.SchemaType)
            {
                messages.Add($"Incompatible because of different schema type: {old.SchemaType} vs {candidate.SchemaType}");
            }
            else
            {
                if (backward)
                {
                    messages.AddRange(candidate.CanReadDataWrittenWith(old));
                }
                if (forward)
                {
                    messages.AddRange(old.CanReadDataWrittenWith(candidate));
                }
            }
            if (!transitive || messages.Count > 0)
            {
                break;
            }
        }
        return messages;
    }
}

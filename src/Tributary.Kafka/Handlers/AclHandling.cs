using Tributary.Kafka.Security.Authorization;

namespace Tributary.Kafka.Handlers;

/// <summary>What the three ACL handlers share: the authorizer-off answer and the version rule for pattern types.</summary>
internal static class AclHandling
{
    public const string SecurityDisabledMessage = "No Authorizer is configured on the broker (kafka.authorizer.enable = false)";

    /// <summary>
    /// Before v1 there is no pattern type on the wire: such requests mean LITERAL, and a PREFIXED binding cannot be
    /// described to them (Kafka leaves them out).
    /// </summary>
    public static bool VisibleAt(AclBinding binding, short version) => version >= 1 || binding.PatternType == AclPatternType.Literal;
}

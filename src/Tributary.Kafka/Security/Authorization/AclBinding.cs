namespace Tributary.Kafka.Security.Authorization;

/// <summary>Kafka's ResourceType codes (org.apache.kafka.common.resource.ResourceType); the numbers are on the wire.</summary>
public enum AclResourceType : sbyte
{
    Unknown = 0,
    Any = 1,
    Topic = 2,
    Group = 3,
    Cluster = 4,
    TransactionalId = 5,
    DelegationToken = 6,
    User = 7,
}

/// <summary>Kafka's AclOperation codes; the numbers are on the wire.</summary>
public enum AclOperation : sbyte
{
    Unknown = 0,
    Any = 1,
    All = 2,
    Read = 3,
    Write = 4,
    Create = 5,
    Delete = 6,
    Alter = 7,
    Describe = 8,
    ClusterAction = 9,
    DescribeConfigs = 10,
    AlterConfigs = 11,
    IdempotentWrite = 12,
    CreateTokens = 13,
    DescribeTokens = 14,
}

/// <summary>Kafka's AclPermissionType codes.</summary>
public enum AclPermission : sbyte
{
    Unknown = 0,
    Any = 1,
    Deny = 2,
    Allow = 3,
}

/// <summary>Kafka's PatternType codes (KIP-290): bindings are LITERAL or PREFIXED; ANY and MATCH exist only in filters.</summary>
public enum AclPatternType : sbyte
{
    Unknown = 0,
    Any = 1,
    Match = 2,
    Literal = 3,
    Prefixed = 4,
}

/// <summary>
/// One ACL: a resource pattern (type, name, LITERAL or PREFIXED; the literal name <c>*</c> is every resource of the type)
/// and an entry (principal, or <c>User:*</c> for everyone; host, or <c>*</c>; operation; ALLOW or DENY). Immutable.
/// </summary>
public sealed record AclBinding(AclResourceType ResourceType, string ResourceName, AclPatternType PatternType, string Principal, string Host, AclOperation Operation, AclPermission Permission)
{
    public const string ClusterName = "kafka-cluster";
    public const string Wildcard = "*";
    public const string WildcardPrincipal = "User:*";

    /// <summary>Why the binding cannot be stored (as Kafka's CreateAcls refuses it), or null.</summary>
    public string? Invalid()
    {
        if (ResourceType is AclResourceType.Any or AclResourceType.Unknown || !Enum.IsDefined(ResourceType))
        {
            return "Invalid resource type " + ResourceType;
        }
        if (PatternType is not (AclPatternType.Literal or AclPatternType.Prefixed))
        {
            return "Invalid pattern type " + PatternType + ": only LITERAL and PREFIXED can be stored";
        }
        if (ResourceName.Length == 0)
        {
            return "Resource name must not be empty";
        }
        if (ResourceType == AclResourceType.Cluster && ResourceName != ClusterName)
        {
            return "The only valid name for the CLUSTER resource is " + ClusterName;
        }
        if (Operation is AclOperation.Any or AclOperation.Unknown || !Enum.IsDefined(Operation))
        {
            return "Invalid operation " + Operation;
        }
        if (Permission is not (AclPermission.Allow or AclPermission.Deny))
        {
            return "Invalid permission type " + Permission;
        }
        var colon = Principal.IndexOf(':');
        if (colon <= 0 || colon == Principal.Length - 1)
        {
            return $"Could not parse principal from `{Principal}` (no colon is present separating the principal type from the principal name)";
        }
        return Host.Length == 0 ? "Host must not be empty (use * for any host)" : null;
    }
}

/// <summary>
/// A DescribeAcls / DeleteAcls filter with Kafka's matching rules: ANY (or null) matches every value; the pattern type
/// ANY matches both stored types by exact name, MATCH matches every pattern that would apply to the named resource
/// (literal of that name, the literal wildcard, and prefixes of it).
/// </summary>
public sealed record AclBindingFilter(AclResourceType ResourceType, string? ResourceName, AclPatternType PatternType, string? Principal, string? Host, AclOperation Operation, AclPermission Permission)
{
    public bool Matches(AclBinding binding)
    {
        if (ResourceType != AclResourceType.Any && ResourceType != binding.ResourceType)
        {
            return false;
        }
        if (!MatchesPattern(binding))
        {
            return false;
        }
        return (Principal is null || Principal == binding.Principal)
            && (Host is null || Host == binding.Host)
            && (Operation == AclOperation.Any || Operation == binding.Operation)
            && (Permission == AclPermission.Any || Permission == binding.Permission);
    }

    private bool MatchesPattern(AclBinding binding) => PatternType switch
    {
        AclPatternType.Any => ResourceName is null || ResourceName == binding.ResourceName,
        AclPatternType.Match => ResourceName is null || binding.PatternType switch
        {
            AclPatternType.Literal => binding.ResourceName == ResourceName || binding.ResourceName == AclBinding.Wildcard,
            _ => ResourceName.StartsWith(binding.ResourceName, StringComparison.Ordinal),
        },
        _ => PatternType == binding.PatternType && (ResourceName is null || ResourceName == binding.ResourceName),
    };

    /// <summary>Why the filter cannot be used (an UNKNOWN code), or null.</summary>
    public string? Invalid() =>
        ResourceType == AclResourceType.Unknown || PatternType == AclPatternType.Unknown || Operation == AclOperation.Unknown || Permission == AclPermission.Unknown
        || !Enum.IsDefined(ResourceType) || !Enum.IsDefined(PatternType) || !Enum.IsDefined(Operation) || !Enum.IsDefined(Permission)
            ? "The filter has an unknown resource type, pattern type, operation or permission"
            : null;
}

using System.Collections.Immutable;

namespace Tributary.Kafka.Security.Authorization;

/// <summary>The authorizer's configuration: Kafka's super.users (principals such as User:admin) and allow.everyone.if.no.acl.found.</summary>
public sealed record AclAuthorizerSettings(IReadOnlySet<string> SuperUsers, bool AllowEveryoneIfNoAclFound);

/// <summary>
/// Kafka's ACL authorizer (AclAuthorizer / StandardAuthorizer) over an <see cref="AclStore"/>: a super user may do
/// everything; otherwise the ACLs that apply to the resource are the LITERAL ones of its name, the LITERAL wildcard
/// <c>*</c>, and the PREFIXED ones its name starts with, for the principal or <c>User:*</c> and the client's host or
/// <c>*</c>. A DENY for the operation (or ALL) wins; then an ALLOW for it (or ALL) grants — where an ALLOW of READ,
/// WRITE, DELETE or ALTER also grants DESCRIBE, and ALTER_CONFIGS grants DESCRIBE_CONFIGS, as in Kafka. A resource
/// no ACL names at all is allowed only with <c>allow.everyone.if.no.acl.found</c>. Stateless over the store; thread-safe.
/// Connections cache its answers (<see cref="ConnectionAuthorization"/>).
/// </summary>
public sealed class AclAuthorizer(AclStore store, IReadOnlySet<string> superUsers, bool allowEveryoneIfNoAclFound)
{
    public AclStore Store => store;

    public bool IsSuperUser(string principal) => superUsers.Contains(principal);

    public bool Authorize(string principal, string host, AclOperation operation, AclResourceType type, string name)
    {
        if (superUsers.Contains(principal))
        {
            return true;
        }
        var bindings = store.Bindings;
        var anyApplies = false;
        var allowed = false;
        foreach (var binding in bindings)
        {
            if (binding.ResourceType != type || !PatternApplies(binding, name))
            {
                continue;
            }
            anyApplies = true;
            if ((binding.Principal != principal && binding.Principal != AclBinding.WildcardPrincipal) || (binding.Host != AclBinding.Wildcard && binding.Host != host))
            {
                continue;
            }
            if (binding.Permission == AclPermission.Deny && (binding.Operation == operation || binding.Operation == AclOperation.All))
            {
                return false;
            }
            if (binding.Permission == AclPermission.Allow && Grants(binding.Operation, operation))
            {
                allowed = true;
            }
        }
        return allowed || (!anyApplies && allowEveryoneIfNoAclFound);
    }

    /// <summary>Whether the principal holds no DENY and at least one ALLOW for the operation on any resource of the type
    /// (Kafka's authorizeByResourceType, used for CreateTopics' and InitProducerId's fall-backs).</summary>
    public bool AuthorizeAnyOfType(string principal, string host, AclOperation operation, AclResourceType type)
    {
        if (superUsers.Contains(principal))
        {
            return true;
        }
        ImmutableArray<AclBinding> bindings = store.Bindings;
        return bindings.Any(b => b.ResourceType == type && b.Permission == AclPermission.Allow && Grants(b.Operation, operation)
            && (b.Principal == principal || b.Principal == AclBinding.WildcardPrincipal) && (b.Host == AclBinding.Wildcard || b.Host == host));
    }

    private static bool PatternApplies(AclBinding binding, string name) => binding.PatternType == AclPatternType.Prefixed
        ? name.StartsWith(binding.ResourceName, StringComparison.Ordinal)
        : binding.ResourceName == name || binding.ResourceName == AclBinding.Wildcard;

    private static bool Grants(AclOperation granted, AclOperation wanted) =>
        granted == wanted || granted == AclOperation.All
        || (wanted == AclOperation.Describe && granted is AclOperation.Read or AclOperation.Write or AclOperation.Delete or AclOperation.Alter)
        || (wanted == AclOperation.DescribeConfigs && granted == AclOperation.AlterConfigs);
}

/// <summary>
/// One connection's view of the authorizer: answers are cached per (operation, resource type, name) until the ACLs
/// change (the store's version) or the principal does, so a producer's steady stream of Produce requests costs a
/// dictionary lookup, not a scan of the ACLs. At most <see cref="MaxEntries"/> answers are kept. Requests of a
/// connection may run concurrently past their first await, so the cache is locked (never contended in practice).
/// </summary>
public sealed class ConnectionAuthorization(AclAuthorizer authorizer, string host)
{
    /// <summary>Bounds the memory one connection can pin by naming many resources.</summary>
    public const int MaxEntries = 4096;

    private readonly Dictionary<(AclOperation, AclResourceType, string), bool> _cache = [];
    private readonly Lock _lock = new();
    private long _version = -1;
    private string? _principal;

    public AclAuthorizer Authorizer => authorizer;

    public string Host => host;

    public bool Allows(string principal, AclOperation operation, AclResourceType type, string name)
    {
        var version = authorizer.Store.Version;
        lock (_lock)
        {
            if (version != _version || principal != _principal || _cache.Count >= MaxEntries)
            {
                _cache.Clear();
                _version = version;
                _principal = principal;
            }
            if (!_cache.TryGetValue((operation, type, name), out var allowed))
            {
                allowed = authorizer.Authorize(principal, host, operation, type, name);
                _cache[(operation, type, name)] = allowed;
            }
            return allowed;
        }
    }
}

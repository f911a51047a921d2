using System.Globalization;
using System.Text;

namespace Tributary.Cdc.MySql.Gtids;

/// <summary>
/// MariaDB's GTID position: for each replication domain, the last transaction applied, written
/// <c>domain-server-seq</c> and comma-separated in domain order (the format of <c>@@gtid_binlog_pos</c> and of
/// <c>@slave_connect_state</c>, which takes one GTID per domain). Sequence numbers grow within a domain, so a position
/// contains another when it is at least as far in each of the other's domains; merging keeps the larger sequence.
/// </summary>
public sealed class MariaDbGtidPosition : GtidSet
{
    private readonly SortedDictionary<uint, (uint Server, ulong Sequence)> _domains = [];

    /// <summary>The domains and their last GTID, in domain order.</summary>
    public IEnumerable<(uint Domain, uint Server, ulong Sequence)> Gtids => _domains.Select(d => (d.Key, d.Value.Server, d.Value.Sequence));

    public static new MariaDbGtidPosition Parse(string text)
    {
        var position = new MariaDbGtidPosition();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = part.Split('-');
            if (fields.Length != 3 ||
                !uint.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var domain) ||
                !uint.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var server) ||
                !ulong.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
            {
                throw new FormatException($"'{part}' is not a MariaDB GTID (domain-server-sequence) in '{text}'");
            }
            position.Add(domain, server, sequence);
        }
        return position;
    }

    /// <summary>Records a transaction: the domain's GTID becomes it unless the domain is already further on.</summary>
    public void Add(uint domain, uint server, ulong sequence)
    {
        if (!_domains.TryGetValue(domain, out var current) || current.Sequence < sequence)
        {
            _domains[domain] = (server, sequence);
        }
    }

    public override bool IsContainedIn(GtidSet other)
    {
        if (other is not MariaDbGtidPosition position)
        {
            return _domains.Count == 0;
        }
        foreach (var (domain, (_, sequence)) in _domains)
        {
            if (!position._domains.TryGetValue(domain, out var there) || there.Sequence < sequence)
            {
                return false;
            }
        }
        return true;
    }

    public override void UnionWith(GtidSet other)
    {
        if (other is not MariaDbGtidPosition position)
        {
            throw new ArgumentException($"A MySQL GTID set ({other}) cannot be merged into a MariaDB GTID position ({this})", nameof(other));
        }
        foreach (var (domain, (server, sequence)) in position._domains)
        {
            Add(domain, server, sequence);
        }
    }

    public override GtidSet Copy()
    {
        var copy = new MariaDbGtidPosition();
        copy.UnionWith(this);
        return copy;
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var (domain, (server, sequence)) in _domains)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }
            text.Append(CultureInfo.InvariantCulture, $"{domain}-{server}-{sequence}");
        }
        return text.ToString();
    }
}

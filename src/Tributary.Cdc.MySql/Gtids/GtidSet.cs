namespace Tributary.Cdc.MySql.Gtids;

/// <summary>
/// The transactions a server has committed, as the connector stores them in its offset's <c>gtids</c> field and sends
/// them to resume: MySQL's GTID set (<c>uuid:1-100:105,uuid2:1-7</c>, <see cref="MySqlGtidSet"/>) or MariaDB's GTID
/// position (<c>domain-server-seq</c> per domain, <see cref="MariaDbGtidPosition"/>). The text of a MySQL set always
/// holds a colon, a MariaDB position never does, which is how <see cref="Parse"/> tells them apart. Mutable; not
/// thread-safe (one belongs to the binlog reader's loop).
/// </summary>
public abstract class GtidSet
{
    /// <summary>Reads the text of either kind; an empty text is an empty MariaDB position. Throws <see cref="FormatException"/> on malformed text.</summary>
    public static GtidSet Parse(string text) =>
        text.Contains(':', StringComparison.Ordinal) ? MySqlGtidSet.Parse(text) : MariaDbGtidPosition.Parse(text);

    /// <summary>Whether every transaction of this set is in <paramref name="other"/> too (a set of the other kind never contains this one).</summary>
    public abstract bool IsContainedIn(GtidSet other);

    /// <summary>Adds everything <paramref name="other"/> holds (the GTID list / previous-GTIDs event opening a binlog file).</summary>
    public abstract void UnionWith(GtidSet other);

    public abstract GtidSet Copy();

    /// <summary>Whether both hold the same transactions.</summary>
    public bool SetEquals(GtidSet other) => IsContainedIn(other) && other.IsContainedIn(this);

    /// <summary>The canonical text (the offset's <c>gtids</c>, what the server is sent to resume).</summary>
    public abstract override string ToString();
}

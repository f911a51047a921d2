namespace Tributary.Athena.Engine;

/// <summary>One result column: its label and its Athena type (varchar, bigint, decimal, …) with precision and scale.</summary>
public sealed record ResultColumn(string Name, string Type, int Precision, int Scale);

/// <summary>
/// A finished query's rows as Athena's API returns them: each value as text (VarCharValue) or null. Immutable once
/// built; shared by GetQueryResults pages.
/// </summary>
public sealed record QueryResult(IReadOnlyList<ResultColumn> Columns, IReadOnlyList<string?[]> Rows, long DataScannedBytes);

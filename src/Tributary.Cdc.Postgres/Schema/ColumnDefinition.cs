namespace Tributary.Cdc.Postgres.Schema;

/// <summary>
/// A table column as the catalog describes it: its type's name (<c>pg_type.typname</c>, a domain replaced by its base
/// type), its kind (<c>typtype</c>: b base, e enum...), the array element's type for arrays (<c>_int4</c> → <c>int4</c>),
/// the type modifier (precision/scale/length; -1 when none), NOT NULL, the enum labels in <c>enumsortorder</c>, and its
/// position in the table's key (the primary key or the unique index <see cref="TableDefinition"/> chooses; -1 when not
/// part of it). Immutable.
/// </summary>
public sealed record ColumnDefinition(
    string Name,
    string TypeName,
    char TypeKind,
    string? ElementTypeName,
    char ElementTypeKind,
    int TypeModifier,
    bool NotNull,
    IReadOnlyList<string> EnumValues,
    int KeyPosition)
{
    public bool IsArray => ElementTypeName is not null;

    /// <summary>numeric(p,s): the precision; null without a type modifier.</summary>
    public int? NumericPrecision => TypeModifier >= 4 ? ((TypeModifier - 4) >> 16) & 0xFFFF : null;

    /// <summary>numeric(p,s): the scale; null without a type modifier.</summary>
    public int? NumericScale => TypeModifier >= 4 ? (TypeModifier - 4) & 0xFFFF : null;

    /// <summary>time/timestamp(p): the fractional digits, 6 when none were declared.</summary>
    public int TimePrecision => TypeModifier >= 0 ? TypeModifier : 6;
}

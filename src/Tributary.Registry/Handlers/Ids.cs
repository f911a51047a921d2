namespace Tributary.Registry.Handlers;

/// <summary>Schema ids in paths: a positive 32-bit number, else 40403 as the registry answers an unknown id.</summary>
internal static class Ids
{
    public static int Parse(string id) =>
        int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0 ? value : throw new RegistryException(40403, $"Schema {id} not found");
}

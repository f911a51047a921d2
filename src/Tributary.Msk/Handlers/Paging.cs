using System.Globalization;
using System.Text;

namespace Tributary.Msk.Handlers;

/// <summary>
/// MSK's pagination: <c>maxResults</c> (1–100, default 100) and an opaque <c>nextToken</c>, here the base64 of the next
/// item's index in the listing's stable order. A token that is not one of ours is BadRequestException.
/// </summary>
internal static class Paging
{
    public static (IReadOnlyList<T> Page, string? NextToken) Page<T>(IReadOnlyList<T> items, MskRequest request)
    {
        var max = 100;
        if (request.QueryValue("maxResults") is { } maxText
            && (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max is < 1 or > 100))
        {
            throw MskException.BadRequest("maxResults must be an integer between 1 and 100.", "maxResults");
        }
        var start = 0;
        if (request.QueryValue("nextToken") is { Length: > 0 } token)
        {
            try
            {
                start = int.Parse(Encoding.ASCII.GetString(Convert.FromBase64String(token)), NumberStyles.None, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or OverflowException)
            {
                throw MskException.BadRequest("The nextToken is not valid.", "nextToken");
            }
        }
        var page = items.Skip(start).Take(max).ToList();
        var next = start + page.Count < items.Count
            ? Convert.ToBase64String(Encoding.ASCII.GetBytes((start + page.Count).ToString(CultureInfo.InvariantCulture)))
            : null;
        return (page, next);
    }
}

using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Tributary.WebConsole.Assets;

/// <summary>
/// The console's files (wwwroot/, embedded at build time under their relative paths), read once into memory and
/// served with their content type and a strong ETag (a hash of the bytes), so a browser revalidates instead of
/// downloading again. <c>/console</c> (routing treats <c>/console/</c> as the same path) and every path under it that names no file answer the HTML shell: the pages
/// route on the client (<c>/console/topics/orders</c> is the shell, which then loads the topic's page).
/// Immutable after the type initializer; thread-safe.
/// </summary>
internal static class StaticAssets
{
    private const string ResourcePrefix = "wwwroot/";

    private static readonly FrozenDictionary<string, Asset> Files = Load();

    private sealed record Asset(byte[] Bytes, string ContentType, string ETag);

    public static void Map(IEndpointRouteBuilder routes)
    {
        routes.MapGet("/", (HttpContext context) => Results.Redirect("/console/"));
        routes.MapGet("/console/{**path}", (HttpContext context, string? path) => Serve(context, path));
    }

    /// <summary>Names of the embedded files (for tests).</summary>
    public static IEnumerable<string> Names => Files.Keys;

    private static IResult Serve(HttpContext context, string? path)
    {
        if (string.IsNullOrEmpty(path) || !Files.TryGetValue(path, out var asset))
        {
            // A path with a file extension that is not ours is a missing file, not a page.
            if (path is not null && Path.HasExtension(path))
            {
                return Results.NotFound();
            }
            asset = Files["index.html"];
        }
        context.Response.Headers.ETag = asset.ETag;
        context.Response.Headers.CacheControl = "no-cache";
        if (context.Request.Headers.IfNoneMatch == asset.ETag)
        {
            return Results.StatusCode(StatusCodes.Status304NotModified);
        }
        return Results.Bytes(asset.Bytes, asset.ContentType);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = Assembly.GetExecutingAssembly();
        var files = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(ResourcePrefix, StringComparison.Ordinal))
            {
                continue;
            }
            using var stream = assembly.GetManifestResourceStream(name)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var bytes = copy.ToArray();
            var relative = name[ResourcePrefix.Length..].Replace('\\', '/');
            files[relative] = new Asset(bytes, ContentType(relative), "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 12)) + "\"");
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string path) => Path.GetExtension(path) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".json" => "application/json",
        _ => "application/octet-stream",
    };
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Tributary.WebConsole.Api;
using Tributary.WebConsole.Assets;

namespace Tributary.WebConsole;

/// <summary>
/// Puts the console on an endpoint route builder (the admin port): the pages under <c>/console/</c> (one HTML shell
/// and its ES modules, served from the assembly) and the JSON API under <c>/api/console/</c>, one file per resource
/// in Api/. Every list the API returns is paged on the server (<see cref="Paging"/>), so a browser never receives
/// more than one page of topics, groups or messages.
/// </summary>
public static class ConsoleEndpoints
{
    public const string ApiPrefix = "/api/console";

    public static void MapConsole(this IEndpointRouteBuilder routes, ConsoleSources sources)
    {
        StaticAssets.Map(routes);
        var api = routes.MapGroup(ApiPrefix);
        api.AddEndpointFilter(RequireJsonForChanges);
        OverviewApi.Map(api, sources);
        TopicsApi.Map(api, sources.Broker);
        MessagesApi.Map(api, sources.Broker);
        GroupsApi.Map(api, sources.Broker);
        KinesisApi.Map(api, sources.Kinesis);
        DeliveryStreamsApi.Map(api, sources.Delivery);
        ConnectorsApi.Map(api, sources.ConnectRest);
        GeneratorApi.Map(api, sources.Broker, sources.Generator, sources.AwsEndpoint);
        CatalogApi.Map(api, sources.Catalog, sources.Crawlers);
        QueriesApi.Map(api, sources.Queries);
    }

    /// <summary>
    /// Every request that changes something must say <c>Content-Type: application/json</c> (the pages always do, with
    /// or without a body). A browser sends that type across origins only after a CORS preflight, which this port never
    /// grants, so another web site open in the same browser cannot post a form here to delete a topic or pause a
    /// connector (a plain form post can only be text/plain, urlencoded or multipart).
    /// </summary>
    private static async ValueTask<object?> RequireJsonForChanges(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && !request.HasJsonContentType())
        {
            return Query.Error(StatusCodes.Status415UnsupportedMediaType, "UnsupportedMediaType", "Requests that change something must be sent as Content-Type: application/json.");
        }
        return await next(context).ConfigureAwait(false);
    }
}

using Microsoft.AspNetCore.Builder;
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
        OverviewApi.Map(api, sources);
        TopicsApi.Map(api, sources.Broker);
        MessagesApi.Map(api, sources.Broker);
        GroupsApi.Map(api, sources.Broker);
        KinesisApi.Map(api, sources.Kinesis);
        DeliveryStreamsApi.Map(api, sources.Delivery);
        ConnectorsApi.Map(api, sources.ConnectRest);
    }
}

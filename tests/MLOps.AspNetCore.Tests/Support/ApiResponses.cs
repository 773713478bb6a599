using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace MLOps.AspNetCore.Tests.Support;

/// <summary>
/// What an OpenAPI generator (Microsoft.AspNetCore.OpenApi, Swashbuckle) reads of an endpoint: the ApiExplorer response
/// types, and the JSON schema System.Text.Json exports for them.
/// </summary>
public static class ApiResponses
{
    public static Type? TypeOf(TestApp app, string endpointName, int statusCode)
    {
        ApiDescription description = app.Services.GetRequiredService<IApiDescriptionGroupCollectionProvider>().ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .Single(d => d.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().Any(n => n.EndpointName == endpointName));
        return description.SupportedResponseTypes.Single(r => r.StatusCode == statusCode).Type;
    }

    /// <summary>The property names of the JSON schema of <paramref name="type"/> (of its items, for an array).</summary>
    public static IReadOnlyList<string> SchemaProperties(Type type)
    {
        JsonNode schema = JsonSerializerOptions.Web.GetJsonSchemaAsNode(type);
        JsonNode properties = (schema["items"] ?? schema)["properties"]!;
        return properties.AsObject().Select(p => p.Key).ToArray();
    }
}

using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Primitives;

namespace MLOps.AspNetCore.Internal;

/// <summary>One version of a registered model, and its feature importance compared with another version's.</summary>
internal static class VersionEndpoints
{
    public static void Map(RouteGroupBuilder group, IModelRegistry registry)
    {
        group.MapGet("/models/{name}/versions/{version}", async (string name, string version, CancellationToken ct) =>
            {
                (RegisteredModelVersion? found, IResult? problem) = await FindAsync(registry, name, version, "version", ct).ConfigureAwait(false);
                if (found is null)
                {
                    return problem!;
                }

                var history = await registry.GetAliasHistoryAsync(found.Name, cancellationToken: ct).ConfigureAwait(false);
                return Results.Json(VersionInfo.From(found, RegistryEndpoints.CurrentAliases(history)), ModelEndpoint.OutputJson);
            })
            .WithName("MLOps.GetVersion")
            .WithSummary("One version of a registered model: status, metrics, lineage, aliases and feature importance.")
            .Produces<VersionInfo>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);

        group.MapGet("/models/{name}/versions/{version}/importance", async (string name, string version, HttpContext http, CancellationToken ct) =>
            {
                StringValues compareTo = http.Request.Query["compareTo"];
                if (compareTo.Count > 1)
                {
                    return Problems.Invalid(new Dictionary<string, string[]> { ["compareTo"] = ["Give compareTo at most once."] });
                }

                (RegisteredModelVersion? found, IResult? problem) = await FindAsync(registry, name, version, "version", ct).ConfigureAwait(false);
                if (found is null)
                {
                    return problem!;
                }

                if (compareTo.Count == 0)
                {
                    FeatureImportanceComparison alone = FeatureImportanceComparison.Compare([], found.FeatureImportance);
                    return Results.Json(
                        new ImportanceInfo(found.Version.Number, null, alone.Metric, true, [.. alone.Features.Select(ImportanceChangeInfo.From)]),
                        ModelEndpoint.OutputJson);
                }

                (RegisteredModelVersion? other, problem) = await FindAsync(registry, name, compareTo[0]!, "compareTo", ct).ConfigureAwait(false);
                if (other is null)
                {
                    return problem!;
                }

                FeatureImportanceComparison comparison = FeatureImportanceComparison.Compare(other.FeatureImportance, found.FeatureImportance);
                return Results.Json(
                    new ImportanceInfo(found.Version.Number, other.Version.Number, comparison.Metric, comparison.SameMetric, [.. comparison.Features.Select(ImportanceChangeInfo.From)]),
                    ModelEndpoint.OutputJson);
            })
            .WithName("MLOps.VersionImportance")
            .WithSummary("A version's permutation feature importance; with ?compareTo={version}, side by side with another version's (deltas and rank changes).")
            .Produces<ImportanceInfo>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    /// <summary>Parses the model name and a version number, and reads the version: 400 for text that is neither, 404 for a miss.</summary>
    private static async Task<(RegisteredModelVersion? Version, IResult? Problem)> FindAsync(
        IModelRegistry registry, string name, string version, string field, CancellationToken ct)
    {
        if (!ModelName.TryParse(name, out ModelName model))
        {
            return (null, Problems.Invalid(new Dictionary<string, string[]> { ["name"] = [$"'{Problems.Shorten(name)}' is not a valid model name."] }));
        }

        if (!int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out int number) || number < 1)
        {
            return (null, Problems.Invalid(new Dictionary<string, string[]> { [field] = [$"'{Problems.Shorten(version)}' is not a version number (1 or more)."] }));
        }

        RegisteredModelVersion? found = await registry.GetVersionAsync(model, new ModelVersion(number), ct).ConfigureAwait(false);
        return found is not null
            ? (found, null)
            : (null, Results.Problem(
                statusCode: StatusCodes.Status404NotFound,
                title: "Unknown version",
                detail: $"Model '{model}' has no version {number}" + (field == "version" ? "." : $" (the {field} version).")));
    }
}

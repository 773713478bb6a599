using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.AspNetCore.Internal;

/// <summary>What <c>POST /predictions/{id}/feedback</c> returns.</summary>
/// <param name="PredictionId">The prediction the ground truth belongs to.</param>
/// <param name="Outcome"><c>joined</c>, <c>late</c> (accepted after its window closed) or <c>duplicate</c>.</param>
/// <param name="Model">The model that made the prediction.</param>
/// <param name="ModelVersion">The version that made it.</param>
/// <param name="Variant">The deployment variant that made it.</param>
/// <param name="Reason">Details, for late and duplicate feedback.</param>
internal sealed record FeedbackInfo(string PredictionId, string Outcome, string? Model, int? ModelVersion, string? Variant, string? Reason)
{
    internal static FeedbackInfo From(PredictionId id, FeedbackResult result) => new(
        id.ToString(), result.Outcome.ToString().ToLowerInvariant(), result.ModelName?.Value, result.ModelVersion?.Number, result.Variant, result.Reason);
}

using Microsoft.Extensions.Logging;

namespace MLOps.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 40, EventName = "RolloutCandidateLoaded", Level = LogLevel.Information,
        Message = "Model '{ModelName}': candidate version {Version} of rollout {RolloutId} ({Strategy}) loaded beside primary version {Primary}; {Warmup} warm-up predictions before it gets weight {Weight} %.")]
    public static partial void CandidateLoaded(ILogger logger, string modelName, ModelVersion version, string rolloutId, RolloutStrategy strategy, string primary, int warmup, int weight);

    [LoggerMessage(EventId = 41, EventName = "RolloutCandidateLoadFailed", Level = LogLevel.Error,
        Message = "Model '{ModelName}': candidate version {Version} of rollout {RolloutId} could not be loaded; the primary serves every request.")]
    public static partial void CandidateLoadFailed(ILogger logger, Exception exception, string modelName, ModelVersion version, string rolloutId);

    [LoggerMessage(EventId = 42, EventName = "RolloutWeightChanged", Level = LogLevel.Information,
        Message = "Model '{ModelName}': rollout {RolloutId} is {State}; candidate version {Version} weight {Weight} %.")]
    public static partial void RolloutWeightChanged(ILogger logger, string modelName, string rolloutId, RolloutState state, ModelVersion version, int weight);

    [LoggerMessage(EventId = 43, EventName = "RolloutCandidateUnloaded", Level = LogLevel.Information,
        Message = "Model '{ModelName}': rollout {RolloutId} is no longer active; candidate version {Version} unloaded.")]
    public static partial void CandidateUnloaded(ILogger logger, string modelName, string rolloutId, ModelVersion version);

    [LoggerMessage(EventId = 44, EventName = "RolloutReadFailed", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': the active rollout could not be read; the last known weights are kept (candidate {Candidate}, weight {Weight} %).")]
    public static partial void RolloutReadFailed(ILogger logger, Exception exception, string modelName, string candidate, int weight);

    [LoggerMessage(EventId = 45, EventName = "RolloutCandidateWarm", Level = LogLevel.Information,
        Message = "Model '{ModelName}': candidate version {Version} of rollout {RolloutId} is warm; it now gets its weight.")]
    public static partial void CandidateWarm(ILogger logger, string modelName, ModelVersion version, string rolloutId);

    [LoggerMessage(EventId = 46, EventName = "RolloutWarmupFailed", Level = LogLevel.Warning,
        Message = "Model '{ModelName}': a warm-up prediction of candidate version {Version} threw (logged once per candidate; it still counts toward the warm-up).")]
    public static partial void WarmupFailed(ILogger logger, Exception exception, string modelName, ModelVersion version);

    [LoggerMessage(EventId = 47, EventName = "MirrorFailed", Level = LogLevel.Error,
        Message = "Model '{ModelName}': processing a mirrored request failed; the worker goes on.")]
    public static partial void MirrorFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 48, EventName = "RolloutsNotSupported", Level = LogLevel.Information,
        Message = "Model '{ModelName}': the registry does not support rollouts; the model serves its alias only.")]
    public static partial void RolloutsNotSupported(ILogger logger, string modelName);
}

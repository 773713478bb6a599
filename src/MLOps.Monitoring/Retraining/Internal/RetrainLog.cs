using Microsoft.Extensions.Logging;

namespace MLOps.Monitoring.Retraining.Internal;

internal static partial class RetrainLog
{
    [LoggerMessage(EventId = 450, EventName = "RetrainTriggerIgnored", Level = LogLevel.Information,
        Message = "Retrain trigger for model '{ModelName}' ignored ({Decision}): {Reason}")]
    public static partial void TriggerIgnored(ILogger logger, string modelName, string decision, string reason);

    [LoggerMessage(EventId = 451, EventName = "RetrainStarted", Level = LogLevel.Information,
        Message = "Retraining model '{ModelName}' (attempt {Attempt}): {Reason}")]
    public static partial void Started(ILogger logger, string modelName, int attempt, string reason);

    [LoggerMessage(EventId = 452, EventName = "RetrainCompleted", Level = LogLevel.Information,
        Message = "Retrain of model '{ModelName}' ended {Outcome}: candidate version {Candidate}, {Metric} {CandidateValue} vs champion {ChampionValue}.")]
    public static partial void Completed(ILogger logger, string modelName, RetrainOutcome outcome, string candidate, string metric, double candidateValue, double championValue);

    [LoggerMessage(EventId = 453, EventName = "RetrainFailed", Level = LogLevel.Error,
        Message = "Retrain of model '{ModelName}' failed (attempt {Attempt} of {MaxAttempts}): {Error}")]
    public static partial void Failed(ILogger logger, string modelName, int attempt, int maxAttempts, string error);

    [LoggerMessage(EventId = 454, EventName = "RetrainStateUnreadable", Level = LogLevel.Warning,
        Message = "The retrain state of model '{ModelName}' could not be read and starts fresh.")]
    public static partial void StateUnreadable(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 455, EventName = "RetrainStateNotSaved", Level = LogLevel.Error,
        Message = "The retrain state of model '{ModelName}' could not be saved.")]
    public static partial void StateNotSaved(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 456, EventName = "RetrainLoopError", Level = LogLevel.Error,
        Message = "The retrain loop hit an unexpected error and continues.")]
    public static partial void LoopError(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 457, EventName = "RetrainRunEventHandlerFailed", Level = LogLevel.Warning,
        Message = "A retrain-run subscriber (IRetrainCoordinator.Subscribe) threw for model '{ModelName}'; the other subscribers still ran.")]
    public static partial void HandlerFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 458, EventName = "RetrainCooldownSkip", Level = LogLevel.Information,
        Message = "Retrain trigger for model '{ModelName}' ignored (cooldown until {CooldownEndsAt:u}): {Reason}. Further triggers until then are logged at Debug level.")]
    public static partial void CooldownStarted(ILogger logger, string modelName, DateTimeOffset cooldownEndsAt, string reason);

    [LoggerMessage(EventId = 459, EventName = "RetrainCooldownSkipRepeated", Level = LogLevel.Debug,
        Message = "Retrain trigger for model '{ModelName}' ignored (cooldown until {CooldownEndsAt:u}): {Reason}")]
    public static partial void IgnoredInCooldown(ILogger logger, string modelName, DateTimeOffset cooldownEndsAt, string reason);

    [LoggerMessage(EventId = 460, EventName = "RetrainRunNotTagged", Level = LogLevel.Warning,
        Message = "Could not tag tracked run {RunId} of model '{ModelName}' with the retrain outcome; the outcome stands.")]
    public static partial void RunNotTagged(ILogger logger, Exception exception, string runId, string modelName);
}

using Microsoft.Extensions.Logging;

namespace MLOps.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 1, EventName = "ModelLoaded", Level = LogLevel.Information,
        Message = "Model '{ModelName}' version {Version} loaded from {Source} (variant '{Variant}').")]
    public static partial void ModelLoaded(ILogger logger, string modelName, ModelVersion version, string source, string variant);

    [LoggerMessage(EventId = 2, EventName = "ModelLoadFailed", Level = LogLevel.Error,
        Message = "Model '{ModelName}' could not be loaded from {Source}; still serving version {CurrentVersion}.")]
    public static partial void ModelReloadFailed(ILogger logger, Exception exception, string modelName, string source, string currentVersion);

    [LoggerMessage(EventId = 3, EventName = "ModelUnchanged", Level = LogLevel.Debug,
        Message = "Model '{ModelName}': {Source} changed but designates the version already served.")]
    public static partial void ModelUnchanged(ILogger logger, string modelName, string source);

    [LoggerMessage(EventId = 4, EventName = "ObserverFailed", Level = LogLevel.Warning,
        Message = "Prediction observer {Observer} of model '{ModelName}' threw; the prediction was returned. {Suppressed} earlier failures were not logged.")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string observer, string modelName, long suppressed);

    [LoggerMessage(EventId = 30, EventName = "RegistryPollFailed", Level = LogLevel.Warning,
        Message = "Polling the registry for {Reference} failed; the served version is unchanged and the next poll retries.")]
    public static partial void RegistryPollFailed(ILogger logger, Exception exception, string reference);
}

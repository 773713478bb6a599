using Microsoft.Extensions.Logging;

namespace MLOps.AspNetCore.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "PredictionFailed", Level = LogLevel.Error, Message = "Model '{ModelName}' failed to predict.")]
    public static partial void PredictionFailed(ILogger logger, Exception exception, string modelName);
}

using Microsoft.Extensions.Logging;

namespace MLOps.AspNetCore.Internal;

internal static partial class Log
{
    [LoggerMessage(EventId = 101, EventName = "PredictionFailed", Level = LogLevel.Error, Message = "Model '{ModelName}' failed to predict.")]
    public static partial void PredictionFailed(ILogger logger, Exception exception, string modelName);

    [LoggerMessage(EventId = 102, EventName = "ManagementEndpointsNotMapped", Level = LogLevel.Information,
        Message = "MLOps management endpoints (promote, rollback, approvals, audit, retrain) are not mapped: the host has no authentication configured. Configure authentication and the 'MLOps.Admin' policy, or set AllowUnauthenticatedManagement for local development.")]
    public static partial void ManagementNotMapped(ILogger logger);

    [LoggerMessage(EventId = 103, EventName = "ManagementEndpointsUnauthenticated", Level = LogLevel.Warning,
        Message = "MLOps management endpoints are mapped WITHOUT authorization (AllowUnauthenticatedManagement): anyone who reaches this service can promote and roll back models.")]
    public static partial void ManagementUnauthenticated(ILogger logger);

    [LoggerMessage(EventId = 104, EventName = "StoreUnavailable", Level = LogLevel.Warning,
        Message = "{Method} {Path} answered 503: the store behind it cannot be reached.")]
    public static partial void StoreUnavailable(ILogger logger, Exception exception, string method, string path);
}

using MLOps.AspNetCore.Internal;
using MLOps.Monitoring.Quality.Feedback;
using Npgsql;

namespace MLOps.AspNetCore.Tests.Outage;

/// <summary>
/// What the outage net answers with 503: a store that cannot serve now. A database error that is a bug (a constraint,
/// a syntax error) is not an outage: telling the client to retry would hide it, so it stays a 500 someone sees.
/// </summary>
public sealed class StoreUnavailableFilterTests
{
    public static TheoryData<string, Exception, bool> Errors() => new()
    {
        { "registry storage", new ModelRegistryException(RegistryErrorCode.Storage, "down"), true },
        { "registry lock timeout", new ModelRegistryException(RegistryErrorCode.LockTimeout, "busy"), true },
        { "fleet feedback store", new FeedbackStoreUnavailableException("down"), true },
        { "socket gone (no SQLSTATE)", new NpgsqlException("Exception while reading from stream", new IOException("closed")), true },
        { "server shutting down (57P01)", new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", PostgresErrorCodes.AdminShutdown), true },
        { "statement timeout (57014)", new PostgresException("canceling statement due to statement timeout", "ERROR", "ERROR", PostgresErrorCodes.QueryCanceled), true },
        { "connection failure (08006)", new PostgresException("connection failure", "FATAL", "FATAL", PostgresErrorCodes.ConnectionFailure), true },
        { "too many connections (53300)", new PostgresException("sorry, too many clients already", "FATAL", "FATAL", PostgresErrorCodes.TooManyConnections), true },
        { "timeout", new TimeoutException("timed out"), true },
        { "unique violation (23505): a bug", new PostgresException("duplicate key value", "ERROR", "ERROR", PostgresErrorCodes.UniqueViolation), false },
        { "syntax error (42601): a bug", new PostgresException("syntax error", "ERROR", "ERROR", PostgresErrorCodes.SyntaxError), false },
        { "registry conflict: the client's", new ModelRegistryException(RegistryErrorCode.Conflict, "changed"), false },
        { "anything else", new InvalidOperationException("bug"), false },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void IsUnavailable_OnlyForAStoreThatCannotServeNow(string what, Exception error, bool unavailable) =>
        Assert.True(StoreUnavailableFilter.IsUnavailable(error) == unavailable, what);
}

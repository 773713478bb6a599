namespace MLOps;

/// <summary>
/// The registry state changed between the caller's read and its write (optimistic concurrency): for example an alias
/// was moved by someone else after the revision given as <see cref="PromoteRequest.ExpectedRevision"/>. Re-read and retry.
/// </summary>
public sealed class RegistryConflictException : ModelRegistryException
{
    /// <summary>Initializes a new instance.</summary>
    public RegistryConflictException()
        : base(RegistryErrorCode.Conflict, "The registry state changed concurrently.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public RegistryConflictException(string message)
        : base(RegistryErrorCode.Conflict, message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RegistryConflictException(string message, Exception? innerException)
        : base(RegistryErrorCode.Conflict, message, innerException)
    {
    }
}

namespace MLOps;

/// <summary>A model registry operation failed; <see cref="ErrorCode"/> says why.</summary>
public class ModelRegistryException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ModelRegistryException()
        : base("The model registry operation failed.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public ModelRegistryException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelRegistryException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="errorCode">Why the operation failed.</param>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause, or <see langword="null"/>.</param>
    public ModelRegistryException(RegistryErrorCode errorCode, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ErrorCode = errorCode;
    }

    /// <summary>Gets why the operation failed.</summary>
    public RegistryErrorCode ErrorCode { get; }
}

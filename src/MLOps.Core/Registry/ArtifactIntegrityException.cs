namespace MLOps;

/// <summary>A stored artifact is missing, truncated or does not match its recorded SHA-256.</summary>
public sealed class ArtifactIntegrityException : ModelRegistryException
{
    /// <summary>Initializes a new instance.</summary>
    public ArtifactIntegrityException()
        : base(RegistryErrorCode.IntegrityFailure, "An artifact failed its integrity check.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public ArtifactIntegrityException(string message)
        : base(RegistryErrorCode.IntegrityFailure, message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ArtifactIntegrityException(string message, Exception? innerException)
        : base(RegistryErrorCode.IntegrityFailure, message, innerException)
    {
    }

    /// <summary>Initializes a new instance for an artifact.</summary>
    /// <param name="artifactPath">The artifact path or key.</param>
    /// <param name="message">What is wrong.</param>
    public ArtifactIntegrityException(string artifactPath, string message)
        : base(RegistryErrorCode.IntegrityFailure, $"Artifact '{artifactPath}' failed its integrity check: {message}")
    {
        ArtifactPath = artifactPath;
    }

    /// <summary>Gets the artifact path or key, when known.</summary>
    public string? ArtifactPath { get; }
}

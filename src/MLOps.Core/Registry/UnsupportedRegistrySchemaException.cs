namespace MLOps;

/// <summary>The stored registry was written by a newer version of the SDK (its schema version is higher than supported).</summary>
public sealed class UnsupportedRegistrySchemaException : ModelRegistryException
{
    /// <summary>Initializes a new instance.</summary>
    public UnsupportedRegistrySchemaException()
        : base(RegistryErrorCode.UnsupportedSchema, "The registry schema is not supported.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public UnsupportedRegistrySchemaException(string message)
        : base(RegistryErrorCode.UnsupportedSchema, message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public UnsupportedRegistrySchemaException(string message, Exception? innerException)
        : base(RegistryErrorCode.UnsupportedSchema, message, innerException)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="foundVersion">The schema version found in the store.</param>
    /// <param name="supportedVersion">The highest schema version this SDK supports.</param>
    public UnsupportedRegistrySchemaException(int foundVersion, int supportedVersion)
        : base(
            RegistryErrorCode.UnsupportedSchema,
            $"The registry has schema version {foundVersion}, but this version of MLOps supports up to {supportedVersion}. " +
            "Upgrade the MLOps packages; the registry was left unchanged.")
    {
        FoundVersion = foundVersion;
        SupportedVersion = supportedVersion;
    }

    /// <summary>Gets the schema version found in the store.</summary>
    public int FoundVersion { get; }

    /// <summary>Gets the highest schema version supported.</summary>
    public int SupportedVersion { get; }
}

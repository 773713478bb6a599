namespace MLOps;

/// <summary>
/// Thrown when a model version cannot be loaded: the artifact is missing, corrupt, or its schema does not match the
/// input and output types it is served with.
/// </summary>
public sealed class ModelLoadException : Exception
{
    /// <summary>Initializes a new instance.</summary>
    public ModelLoadException()
        : base("The model could not be loaded.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public ModelLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public ModelLoadException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    internal ModelLoadException(ModelName modelName, string source, Exception innerException)
        : base($"Model '{modelName}' could not be loaded from {source}: {innerException.Message}", innerException)
    {
        ModelName = modelName;
        SourceDescription = source;
    }

    /// <summary>Gets the name of the model, when known.</summary>
    public ModelName? ModelName { get; }

    /// <summary>Gets a description of where the model was loaded from, when known.</summary>
    public string? SourceDescription { get; }
}

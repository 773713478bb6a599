namespace MLOps;

/// <summary>
/// Thrown when a prediction is requested before any version of the model has been loaded (for example because the
/// first load failed or is still in progress, or the model's source has no version yet).
/// </summary>
public sealed class ModelNotLoadedException : InvalidOperationException
{
    /// <summary>Initializes a new instance.</summary>
    public ModelNotLoadedException()
        : base("No version of the model has been loaded yet.")
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    public ModelNotLoadedException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes a new instance.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The last load error, if any.</param>
    public ModelNotLoadedException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Initializes a new instance for a model.</summary>
    /// <param name="modelName">The model's name.</param>
    /// <param name="reason">Why no version is loaded.</param>
    /// <param name="lastLoadError">The last load error, if any.</param>
    internal ModelNotLoadedException(ModelName modelName, string reason, Exception? lastLoadError)
        : base($"Model '{modelName}' has no loaded version: {reason}", lastLoadError)
    {
        ModelName = modelName;
    }

    /// <summary>Gets the name of the model, when known.</summary>
    public ModelName? ModelName { get; }
}

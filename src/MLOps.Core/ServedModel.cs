namespace MLOps;

/// <summary>A snapshot of one served model: what it serves now and how its loads went.</summary>
public sealed record ServedModel
{
    /// <summary>Gets the name the model is served under.</summary>
    public required ModelName Name { get; init; }

    /// <summary>Gets the deployment variant (for example <c>primary</c>).</summary>
    public required string Variant { get; init; }

    /// <summary>Gets the model's input type.</summary>
    public required Type InputType { get; init; }

    /// <summary>Gets the model's output type.</summary>
    public required Type OutputType { get; init; }

    /// <summary>Gets a description of where the model is loaded from.</summary>
    public required string Source { get; init; }

    /// <summary>Gets the version currently served, or <see langword="null"/> before the first successful load.</summary>
    public ModelVersion? Version { get; init; }

    /// <summary>Gets the content fingerprint of the version served (for example the artifact's SHA-256).</summary>
    public string? Fingerprint { get; init; }

    /// <summary>Gets the format of the version served, such as <c>mlnet</c> or <c>onnx</c> (see <see cref="ModelFormats"/>).</summary>
    public string? Format { get; init; }

    /// <summary>Gets the signature of the version served when its runtime knows it (an ONNX graph's inputs and outputs), else <see langword="null"/>.</summary>
    public ModelSignature? Signature { get; init; }

    /// <summary>Gets when the version served was loaded.</summary>
    public DateTimeOffset? LoadedAt { get; init; }

    /// <summary>Gets the error of the most recent load attempt, if it failed.</summary>
    public Exception? LastLoadError { get; init; }

    /// <summary>Gets when the most recent failed load happened.</summary>
    public DateTimeOffset? LastLoadErrorAt { get; init; }

    /// <summary>Gets how many load attempts failed since the process started.</summary>
    public long LoadFailures { get; init; }

    /// <summary>Gets whether a version is loaded and served.</summary>
    public bool IsLoaded => Version is not null;
}

namespace MLOps.AspNetCore.Internal;

/// <summary>What <c>GET /models</c> and <c>GET /models/{name}</c> return for one served model.</summary>
/// <param name="Name">The model name.</param>
/// <param name="Variant">The deployment variant.</param>
/// <param name="Version">The version served, or <see langword="null"/> before the first load.</param>
/// <param name="LoadedAt">When the version served was loaded.</param>
/// <param name="Source">Where the model is loaded from.</param>
/// <param name="Fingerprint">The content fingerprint of the version served.</param>
/// <param name="LoadFailures">Failed load attempts since the process started.</param>
/// <param name="LastLoadError">The message of the last failed load, if the last attempt failed.</param>
/// <param name="Input">The input signature: the JSON fields the predict endpoint accepts.</param>
/// <param name="OutputType">The name of the output type.</param>
/// <param name="Format">The format of the version served (<c>mlnet</c>, <c>onnx</c>, …), or <see langword="null"/> before the first load.</param>
/// <param name="Signature">The model's own signature when its runtime knows it (an ONNX graph's tensors), else <see langword="null"/>.</param>
internal sealed record ModelInfo(
    string Name,
    string Variant,
    int? Version,
    DateTimeOffset? LoadedAt,
    string Source,
    string? Fingerprint,
    long LoadFailures,
    string? LastLoadError,
    IReadOnlyList<InputFieldInfo> Input,
    string OutputType,
    string? Format,
    ModelSignature? Signature);

/// <summary>One field of a model's input signature.</summary>
/// <param name="Name">The JSON field name.</param>
/// <param name="Type">The .NET type name of the field.</param>
/// <param name="Required">Whether the field must be sent.</param>
internal sealed record InputFieldInfo(string Name, string Type, bool Required);

using Microsoft.ML;
using MLOps.Internal;

namespace MLOps;

/// <summary>A model loaded by a <see cref="ModelSource"/>, ready to be served.</summary>
public sealed class LoadedModel
{
    /// <summary>Initializes a new instance for a trained ML.NET model.</summary>
    /// <param name="model">The trained ML.NET model.</param>
    /// <param name="version">The version of the model.</param>
    /// <param name="fingerprint">
    /// A value that identifies the model's content (for example the SHA-256 of its artifact); the source uses it to tell
    /// whether a reload would change anything.
    /// </param>
    /// <param name="ownsModel">
    /// Whether the serving pipeline owns <paramref name="model"/> and disposes it (if disposable) once it is swapped out
    /// and no prediction uses it any more.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="fingerprint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="version"/> is the default (no) version.</exception>
    public LoadedModel(ITransformer model, ModelVersion version, string fingerprint, bool ownsModel = true)
        : this(new MLNetModel(model ?? throw new ArgumentNullException(nameof(model))), version, fingerprint, ownsModel)
    {
    }

    /// <summary>Initializes a new instance for a model of any runtime.</summary>
    /// <param name="model">The loaded model.</param>
    /// <param name="version">The version of the model.</param>
    /// <param name="fingerprint">A value that identifies the model's content (for example the SHA-256 of its artifact).</param>
    /// <param name="ownsModel">Whether the serving pipeline disposes <paramref name="model"/> once it is swapped out and no prediction uses it any more.</param>
    /// <exception cref="ArgumentNullException"><paramref name="model"/> or <paramref name="fingerprint"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="version"/> is the default (no) version.</exception>
    public LoadedModel(InferenceModel model, ModelVersion version, string fingerprint, bool ownsModel = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(fingerprint);
        if (version.Number < 1)
        {
            throw new ArgumentException("A loaded model needs a version of 1 or more.", nameof(version));
        }

        Model = model;
        Version = version;
        Fingerprint = fingerprint;
        OwnsModel = ownsModel;
    }

    /// <summary>Gets the loaded model.</summary>
    public InferenceModel Model { get; }

    /// <summary>Gets the version.</summary>
    public ModelVersion Version { get; }

    /// <summary>Gets the content fingerprint.</summary>
    public string Fingerprint { get; }

    /// <summary>Gets whether the serving pipeline disposes the model when it is no longer used.</summary>
    public bool OwnsModel { get; }
}

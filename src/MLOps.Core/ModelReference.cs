using System.Diagnostics.CodeAnalysis;

namespace MLOps;

/// <summary>
/// A reference to a model version: <c>taxi@champion</c> (by alias), <c>taxi/3</c> (by version) or <c>taxi</c>
/// (the latest version).
/// </summary>
public sealed record ModelReference
{
    private ModelReference(ModelName name, ModelAlias? alias, ModelVersion? version)
    {
        Name = name;
        Alias = alias;
        Version = version;
    }

    /// <summary>Gets the model name.</summary>
    public ModelName Name { get; }

    /// <summary>Gets the alias, when the reference is by alias.</summary>
    public ModelAlias? Alias { get; }

    /// <summary>Gets the version, when the reference is by version.</summary>
    public ModelVersion? Version { get; }

    /// <summary>Gets whether the reference means "the latest version" (neither alias nor version given).</summary>
    public bool IsLatest => Alias is null && Version is null;

    /// <summary>Creates a reference to the version an alias points to.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="alias">The alias.</param>
    /// <returns>The reference.</returns>
    public static ModelReference ForAlias(ModelName name, ModelAlias alias) => new(name, alias, null);

    /// <summary>Creates a reference to a specific version.</summary>
    /// <param name="name">The model name.</param>
    /// <param name="version">The version.</param>
    /// <returns>The reference.</returns>
    public static ModelReference ForVersion(ModelName name, ModelVersion version) => new(name, null, version);

    /// <summary>Creates a reference to the latest version.</summary>
    /// <param name="name">The model name.</param>
    /// <returns>The reference.</returns>
    public static ModelReference ForLatest(ModelName name) => new(name, null, null);

    /// <summary>Parses <c>name@alias</c>, <c>name/version</c> or <c>name</c>.</summary>
    /// <param name="reference">The text to parse.</param>
    /// <returns>The reference.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="reference"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The name, alias or version part is invalid; the message names the rule.</exception>
    public static ModelReference Parse(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        int at = reference.IndexOf('@', StringComparison.Ordinal);
        int slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (at >= 0 && slash >= 0)
        {
            throw new ArgumentException(
                $"'{ModelName.Truncate(reference)}' is not a valid model reference: use 'name@alias', 'name/version' or 'name'.",
                nameof(reference));
        }

        if (at >= 0)
        {
            return new(ModelName.Parse(reference[..at], nameof(reference)), ModelAlias.Parse(reference[(at + 1)..], nameof(reference)), null);
        }

        if (slash >= 0)
        {
            ModelName name = ModelName.Parse(reference[..slash], nameof(reference));
            if (!ModelVersion.TryParse(reference.AsSpan(slash + 1), out ModelVersion version))
            {
                throw new ArgumentException(
                    $"'{ModelName.Truncate(reference)}' is not a valid model reference: the version after '/' must be a positive integer.",
                    nameof(reference));
            }

            return new(name, null, version);
        }

        return new(ModelName.Parse(reference, nameof(reference)), null, null);
    }

    /// <summary>Tries to parse a model reference.</summary>
    /// <param name="reference">The text to parse.</param>
    /// <param name="result">The reference when this method returns <see langword="true"/>.</param>
    /// <returns><see langword="true"/> if the text is a valid reference.</returns>
    public static bool TryParse([NotNullWhen(true)] string? reference, [NotNullWhen(true)] out ModelReference? result)
    {
        result = null;
        if (reference is null)
        {
            return false;
        }

        int at = reference.IndexOf('@', StringComparison.Ordinal);
        int slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (at >= 0 && slash >= 0)
        {
            return false;
        }

        if (at >= 0)
        {
            if (ModelName.TryParse(reference[..at], out ModelName n) && ModelAlias.TryParse(reference[(at + 1)..], out ModelAlias a))
            {
                result = new(n, a, null);
            }
        }
        else if (slash >= 0)
        {
            if (ModelName.TryParse(reference[..slash], out ModelName n) && ModelVersion.TryParse(reference.AsSpan(slash + 1), out ModelVersion v))
            {
                result = new(n, null, v);
            }
        }
        else if (ModelName.TryParse(reference, out ModelName n))
        {
            result = new(n, null, null);
        }

        return result is not null;
    }

    /// <summary>Formats the reference as <c>name@alias</c>, <c>name/version</c> or <c>name</c>.</summary>
    /// <returns>The canonical text of the reference.</returns>
    public override string ToString() =>
        Alias is { } alias ? $"{Name}@{alias}" : Version is { } version ? $"{Name}/{version}" : Name.Value;
}

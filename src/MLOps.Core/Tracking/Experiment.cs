using System.Diagnostics.CodeAnalysis;

namespace MLOps;

/// <summary>An experiment: a named group of <see cref="TrackedRun"/>s (for example all training runs of one model).</summary>
/// <remarks>
/// Experiment names follow the model naming rule (<see cref="ModelName.Pattern"/>): an ASCII letter or digit followed by
/// at most 127 ASCII letters, digits, <c>_</c>, <c>.</c> or <c>-</c>. Names are case-sensitive and unique.
/// </remarks>
public sealed record Experiment
{
    /// <summary>Gets the unique name.</summary>
    public required string Name { get; init; }

    /// <summary>Gets the tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Gets when the experiment was created.</summary>
    public DateTimeOffset CreatedAt { get; init; }

    /// <summary>Returns whether <paramref name="name"/> is a valid experiment name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns><see langword="true"/> if valid.</returns>
    public static bool IsValidName([NotNullWhen(true)] string? name) => ModelName.IsValid(name);

    /// <summary>Throws unless <paramref name="name"/> is a valid experiment name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <param name="paramName">The parameter name to report.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> breaks the naming rule; the message names the rule.</exception>
    internal static void ValidateName(string? name, string paramName)
    {
        ArgumentNullException.ThrowIfNull(name, paramName);
        if (!IsValidName(name))
        {
            throw new ArgumentException(
                $"'{ModelName.Truncate(name)}' is not a valid experiment name. An experiment name must start with an ASCII letter or digit, " +
                $"contain only ASCII letters, digits, '_', '.' or '-', and be at most {ModelName.MaxLength} characters long ({ModelName.Pattern}).",
                paramName);
        }
    }
}

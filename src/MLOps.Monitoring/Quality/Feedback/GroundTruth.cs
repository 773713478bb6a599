using System.Globalization;

namespace MLOps.Monitoring.Quality.Feedback;

/// <summary>
/// The actual outcome of a prediction (delayed ground truth): a number, a boolean or a class label. Which kinds a
/// model accepts depends on its quality task; a value of the wrong kind is answered with
/// <see cref="FeedbackOutcome.Invalid"/>.
/// </summary>
/// <remarks>
/// Accepted kinds: regression — a finite <see cref="GroundTruthKind.Number"/> within the model's accepted range; binary classification — a
/// <see cref="GroundTruthKind.Boolean"/>, the numbers 0 and 1, or the labels <c>true</c>/<c>false</c>/<c>1</c>/<c>0</c>
/// (case-insensitive); multiclass classification — a <see cref="GroundTruthKind.Label"/> (compared ordinally with the
/// model's predicted label), or an integral number (formatted with the invariant culture).
/// </remarks>
public readonly struct GroundTruth : IEquatable<GroundTruth>
{
    private readonly double _number;
    private readonly string? _label;

    private GroundTruth(GroundTruthKind kind, double number, string? label)
    {
        Kind = kind;
        _number = number;
        _label = label;
    }

    /// <summary>Gets the kind of value held.</summary>
    public GroundTruthKind Kind { get; }

    /// <summary>Gets the number (<see cref="GroundTruthKind.Number"/>), 1 or 0 for a boolean, otherwise <see cref="double.NaN"/>.</summary>
    public double Number => Kind switch
    {
        GroundTruthKind.Number or GroundTruthKind.Boolean => _number,
        _ => double.NaN,
    };

    /// <summary>Gets the label (<see cref="GroundTruthKind.Label"/>), otherwise <see langword="null"/>.</summary>
    public string? Label => _label;

    /// <summary>Creates a numeric ground truth.</summary>
    /// <param name="value">The actual value (validated when recorded: a non-finite value is <see cref="FeedbackOutcome.Invalid"/>).</param>
    /// <returns>The ground truth.</returns>
    public static GroundTruth FromNumber(double value) => new(GroundTruthKind.Number, value, null);

    /// <summary>Creates a boolean ground truth.</summary>
    /// <param name="value">The actual label.</param>
    /// <returns>The ground truth.</returns>
    public static GroundTruth FromBoolean(bool value) => new(GroundTruthKind.Boolean, value ? 1 : 0, null);

    /// <summary>Creates a class-label ground truth.</summary>
    /// <param name="value">The actual class.</param>
    /// <returns>The ground truth.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static GroundTruth FromLabel(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(GroundTruthKind.Label, double.NaN, value);
    }

    /// <summary>Converts a number to a ground truth.</summary>
    /// <param name="value">The actual value.</param>
    public static implicit operator GroundTruth(double value) => FromNumber(value);

    /// <summary>Converts a boolean to a ground truth.</summary>
    /// <param name="value">The actual label.</param>
    public static implicit operator GroundTruth(bool value) => FromBoolean(value);

    /// <summary>Converts a class label to a ground truth.</summary>
    /// <param name="value">The actual class.</param>
    /// <exception cref="ArgumentNullException"><paramref name="value"/> is <see langword="null"/>.</exception>
    public static implicit operator GroundTruth(string value) => FromLabel(value);

    /// <summary>Compares two values for equality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> if equal.</returns>
    public static bool operator ==(GroundTruth left, GroundTruth right) => left.Equals(right);

    /// <summary>Compares two values for inequality.</summary>
    /// <param name="left">The first value.</param>
    /// <param name="right">The second value.</param>
    /// <returns><see langword="true"/> if not equal.</returns>
    public static bool operator !=(GroundTruth left, GroundTruth right) => !left.Equals(right);

    /// <inheritdoc/>
    public bool Equals(GroundTruth other) =>
        Kind == other.Kind && _number.Equals(other._number) && string.Equals(_label, other._label, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is GroundTruth other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Kind, _number, _label);

    /// <summary>Formats the value (invariant culture).</summary>
    /// <returns>The number, <c>true</c>/<c>false</c>, the label, or an empty string.</returns>
    public override string ToString() => Kind switch
    {
        GroundTruthKind.Number => _number.ToString("R", CultureInfo.InvariantCulture),
        GroundTruthKind.Boolean => _number != 0 ? "true" : "false",
        GroundTruthKind.Label => _label!,
        _ => string.Empty,
    };

    internal bool TryGetRegressionTarget(out double value)
    {
        value = _number;
        return Kind == GroundTruthKind.Number && double.IsFinite(_number);
    }

    internal bool TryGetBinaryLabel(out bool value)
    {
        switch (Kind)
        {
            case GroundTruthKind.Boolean:
            case GroundTruthKind.Number when _number is 0 or 1:
                value = _number != 0;
                return true;
            case GroundTruthKind.Label when _label is "1" || string.Equals(_label, "true", StringComparison.OrdinalIgnoreCase):
                value = true;
                return true;
            case GroundTruthKind.Label when _label is "0" || string.Equals(_label, "false", StringComparison.OrdinalIgnoreCase):
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    internal bool TryGetClassLabel(out string? value)
    {
        switch (Kind)
        {
            case GroundTruthKind.Label:
                value = _label;
                return true;
            case GroundTruthKind.Number when double.IsFinite(_number) && Math.Floor(_number) == _number && Math.Abs(_number) < 1e15:
                value = ((long)_number).ToString(CultureInfo.InvariantCulture);
                return true;
            default:
                value = null;
                return false;
        }
    }
}

using System.Globalization;
using MLOps.Monitoring.Drift;
using MLOps.Monitoring.Drift.Internal;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Quality.Feedback;

namespace MLOps.Monitoring.Batch.Internal;

/// <summary>
/// The drift state of one model version in a batch job: the logged inputs of its rows counted into one
/// <see cref="Pane"/> (preallocated bins, category counts and a reservoir sample per feature), so memory stays fixed
/// however many rows stream through.
/// </summary>
internal sealed class LoggedInputDrift
{
    /// <summary>The most distinct unexpected feature names kept for the report.</summary>
    private const int MaxUnexpected = 100;

    private readonly CompiledReference _reference;
    private readonly Pane _pane;
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly bool[] _seen;
    private readonly bool[] _inRow;
    private readonly string?[] _mismatched;
    private readonly HashSet<string> _unexpected = new(StringComparer.Ordinal);

    public LoggedInputDrift(ReferenceProfile profile, DriftOptions options, int version)
    {
        _reference = new CompiledReference(profile, options);
        _pane = new Pane(_reference, _reference.SampleCapacity, (ulong)profile.Seed) { ModelVersion = version };
        foreach (CompiledFeature feature in _reference.Features)
        {
            _index[feature.Name] = feature.Index;
        }

        // Features the reference has but the options left out are known, not unexpected.
        foreach (FeatureProfile feature in profile.Features)
        {
            _index.TryAdd(feature.Name, -1);
        }

        _seen = new bool[_reference.Features.Length];
        _inRow = new bool[_reference.Features.Length];
        _mismatched = new string?[_reference.Features.Length];
    }

    /// <summary>The values this state keeps (bins, counts and sample slots): fixed at construction.</summary>
    public long RetainedValues => _pane.Features.Sum(f => (long)f.Bins.Length + f.Categories.Length + f.Sample.Length + (f.Distinct?.Length ?? 0));

    public long Rows => _pane.Rows;

    public void Add(IReadOnlyList<LoggedFeature> inputs, DateTimeOffset timestamp)
    {
        if (_pane.Rows == 0)
        {
            _pane.StartTime = timestamp;
        }

        Array.Clear(_inRow);
        for (int i = 0; i < inputs.Count; i++)
        {
            LoggedFeature input = inputs[i];
            if (input.Name is null || !_index.TryGetValue(input.Name, out int index))
            {
                if (input.Name is not null && _unexpected.Count < MaxUnexpected)
                {
                    _unexpected.Add(input.Name);
                }

                continue;
            }

            if (index < 0 || _inRow[index])
            {
                continue;   // left out by the options, or a repeated name (the first counts)
            }

            _inRow[index] = true;
            _seen[index] = true;
            CompiledFeature feature = _reference.Features[index];
            PaneFeature target = _pane.Features[index];
            switch (feature.Kind)
            {
                case FeatureKind.Numeric when input.Kind != FeatureKind.Categorical:
                    target.AddNumber(input.Number);
                    break;
                case FeatureKind.Boolean when input.Kind != FeatureKind.Categorical:
                    target.AddBoolean(input.Number);
                    break;
                case FeatureKind.Categorical:
                    target.AddCategory(CategoryOf(input));
                    break;
                default:
                    _mismatched[index] ??= $"{feature.Name}: {feature.Kind} → {input.Kind}";
                    break;
            }
        }

        // A feature other rows carry but this one lacks is a missing value of this row.
        for (int i = 0; i < _inRow.Length; i++)
        {
            if (!_inRow[i])
            {
                _pane.Features[i].AddMissing();
            }
        }

        _pane.Rows++;
    }

    public DriftReport Evaluate(ModelName model, DateTimeOffset createdAt)
    {
        var missing = new List<string>();
        var mismatched = new List<string>();
        for (int i = 0; i < _seen.Length; i++)
        {
            if (_mismatched[i] is { } m)
            {
                mismatched.Add(m);
            }
            else if (!_seen[i])
            {
                missing.Add(_reference.Features[i].Name);
            }
        }

        var schema = new SchemaComparison(missing, [.. _unexpected.Order(StringComparer.Ordinal)], mismatched);
        return DriftEvaluator.Evaluate(_pane, schema, createdAt, model, _pane.StartTime);
    }

    /// <summary>The category text of a logged value, as a profile of the input type counts it (Booleans True/False, numbers invariant).</summary>
    private static string? CategoryOf(in LoggedFeature input) => input.Kind switch
    {
        FeatureKind.Categorical => input.Category,
        _ when double.IsNaN(input.Number) => null,
        FeatureKind.Boolean => input.Number != 0 ? bool.TrueString : bool.FalseString,
        _ => input.Number.ToString("R", CultureInfo.InvariantCulture),
    };
}

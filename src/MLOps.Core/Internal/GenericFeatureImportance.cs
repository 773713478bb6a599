using System.Globalization;
using System.Reflection;
using Microsoft.ML.Data;

namespace MLOps.Internal;

/// <summary>
/// Permutation feature importance over rows of any input type and any <see cref="InferenceModel"/>: predict the copied
/// rows, then for each feature shuffle its values across the rows (seeded), predict again and take the metric's loss.
/// </summary>
internal static class GenericFeatureImportance
{
    private static readonly Func<object, object> Clone = typeof(object)
        .GetMethod("MemberwiseClone", BindingFlags.Instance | BindingFlags.NonPublic)!
        .CreateDelegate<Func<object, object>>();

    public static IReadOnlyList<FeatureImportance> Compute<TIn, TOut>(InferenceModel model, IReadOnlyList<TIn> rows, FeatureImportanceOptions options)
        where TIn : class
        where TOut : class, new()
    {
        string metric = options.Metric is "r2" or "accuracy" or "micro_accuracy"
            ? options.Metric
            : throw new ArgumentException($"The metric '{options.Metric}' is not supported: use r2, accuracy or micro_accuracy.", nameof(options));
        if (options.PermutationCount is < 1 or > FeatureImportanceOptions.MaxPermutationCount)
        {
            throw new ArgumentException($"PermutationCount must be 1 to {FeatureImportanceOptions.MaxPermutationCount} (it is {options.PermutationCount}).", nameof(options));
        }

        if (rows.Count < 2)
        {
            throw new ArgumentException($"At least 2 evaluation rows are needed to shuffle a feature (got {rows.Count}).", nameof(rows));
        }

        RowMember label = RowMember.Find(typeof(TIn), options.LabelColumn)
            ?? throw new ArgumentException($"The input type {typeof(TIn).Name} has no member '{options.LabelColumn}' (the label).", nameof(options));
        RowMember prediction = RowMember.Find(typeof(TOut), options.PredictionColumn)
            ?? throw new ArgumentException($"The output type {typeof(TOut).Name} has no member '{options.PredictionColumn}' (the prediction).", nameof(options));
        RowMember[] features = Features(typeof(TIn), label, options.Features, nameof(options));

        var copies = new TIn[rows.Count];
        var labels = new object?[rows.Count];
        for (int i = 0; i < copies.Length; i++)
        {
            TIn row = rows[i] ?? throw new ArgumentException($"The row at index {i} is null.", nameof(rows));
            copies[i] = (TIn)Clone(row);
            labels[i] = label.Get(row);
        }

        using ModelPredictor<TIn, TOut> predictor = model.CreatePredictor<TIn, TOut>();
        double baseline = Score(metric, predictor, prediction, copies, labels);
        var random = new Random(options.Seed);
        var results = new List<FeatureImportance>(features.Length);
        var original = new object?[copies.Length];
        var order = new int[copies.Length];
        var losses = new double[options.PermutationCount];
        foreach (RowMember feature in features)
        {
            for (int i = 0; i < copies.Length; i++)
            {
                original[i] = feature.Get(copies[i]);
            }

            for (int p = 0; p < losses.Length; p++)
            {
                for (int i = 0; i < order.Length; i++)
                {
                    order[i] = i;
                }

                random.Shuffle(order);
                for (int i = 0; i < copies.Length; i++)
                {
                    feature.Set(copies[i], original[order[i]]);
                }

                losses[p] = baseline - Score(metric, predictor, prediction, copies, labels);
            }

            for (int i = 0; i < copies.Length; i++)
            {
                feature.Set(copies[i], original[i]);
            }

            (double mean, double stdDev) = MeanAndStdDev(losses);
            results.Add(new FeatureImportance(feature.Name, metric, mean, stdDev));
        }

        return [.. results.OrderByDescending(r => r.Mean).ThenBy(r => r.Feature, StringComparer.Ordinal)];
    }

    /// <summary>The mean and the sample standard deviation (0 for one value).</summary>
    internal static (double Mean, double StdDev) MeanAndStdDev(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double value in values)
        {
            mean += value;
        }

        mean /= values.Length;
        if (values.Length < 2)
        {
            return (mean, 0);
        }

        double squares = 0;
        foreach (double value in values)
        {
            squares += (value - mean) * (value - mean);
        }

        return (mean, Math.Sqrt(squares / (values.Length - 1)));
    }

    private static RowMember[] Features(Type input, RowMember label, IReadOnlyList<string>? names, string paramName)
    {
        if (names is null)
        {
            return [.. RowMember.All(input).Where(m => m.CanWrite && m.Name != label.Name)];
        }

        if (names.Count == 0)
        {
            throw new ArgumentException("Features is empty: name at least one, or leave it null for all.", paramName);
        }

        return [.. names.Select(n =>
        {
            RowMember member = RowMember.Find(input, n) ?? throw new ArgumentException($"The input type {input.Name} has no member '{n}'.", paramName);
            return member.CanWrite && member.Name != label.Name
                ? member
                : throw new ArgumentException($"The member '{n}' of {input.Name} cannot be shuffled (it is the label or read-only).", paramName);
        })];
    }

    private static double Score<TIn, TOut>(string metric, ModelPredictor<TIn, TOut> predictor, RowMember prediction, TIn[] rows, object?[] labels)
        where TIn : class
        where TOut : class, new()
    {
        if (metric == "r2")
        {
            double sum = 0;
            foreach (object? value in labels)
            {
                sum += Number(value);
            }

            double mean = sum / labels.Length;
            double residual = 0;
            double total = 0;
            for (int i = 0; i < rows.Length; i++)
            {
                double y = Number(labels[i]);
                double error = y - Number(prediction.Get(predictor.Predict(rows[i])));
                residual += error * error;
                total += (y - mean) * (y - mean);
            }

            return total > 0
                ? 1 - (residual / total)
                : throw new InvalidOperationException("r2 is undefined on these rows: every label has the same value.");
        }

        int correct = 0;
        for (int i = 0; i < rows.Length; i++)
        {
            if (Same(labels[i], prediction.Get(predictor.Predict(rows[i]))))
            {
                correct++;
            }
        }

        return (double)correct / rows.Length;
    }

    private static double Number(object? value) => value switch
    {
        null => double.NaN,
        bool b => b ? 1 : 0,
        IConvertible c => c.ToDouble(CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException($"A value of type {value.GetType().Name} is not a number."),
    };

    private static bool Same(object? label, object? predicted) =>
        label is IConvertible && label is not string && predicted is IConvertible && predicted is not string
            ? Number(label) == Number(predicted)
            : Equals(label?.ToString(), predicted?.ToString());

    /// <summary>A public property or field of a row type, named by <c>[ColumnName]</c> when it has one.</summary>
    internal sealed class RowMember
    {
        private readonly PropertyInfo? _property;
        private readonly FieldInfo? _field;

        private RowMember(string name, PropertyInfo? property, FieldInfo? field)
        {
            Name = name;
            _property = property;
            _field = field;
        }

        public string Name { get; }

        public bool CanWrite => _field is { IsInitOnly: false } || _property is { CanWrite: true, SetMethod.IsPublic: true };

        public object? Get(object row) => _property is not null ? _property.GetValue(row) : _field!.GetValue(row);

        public void Set(object row, object? value)
        {
            if (_property is not null)
            {
                _property.SetValue(row, value);
            }
            else
            {
                _field!.SetValue(row, value);
            }
        }

        public static IEnumerable<RowMember> All(Type type)
        {
            foreach (PropertyInfo property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
            {
                if (property.CanRead && property.GetIndexParameters().Length == 0 && property.GetCustomAttribute<NoColumnAttribute>() is null)
                {
                    yield return new RowMember(ColumnName(property) ?? property.Name, property, null);
                }
            }

            foreach (FieldInfo field in type.GetFields(BindingFlags.Instance | BindingFlags.Public))
            {
                if (field.GetCustomAttribute<NoColumnAttribute>() is null)
                {
                    yield return new RowMember(ColumnName(field) ?? field.Name, null, field);
                }
            }
        }

        // ColumnNameAttribute keeps its name internal: read it from the attribute's constructor argument.
        private static string? ColumnName(MemberInfo member) =>
            member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute)) is { ConstructorArguments: [{ Value: string name }] }
                ? name
                : null;

        public static RowMember? Find(Type type, string? name) =>
            name is null ? null : All(type).FirstOrDefault(m => m.Name == name)
                ?? All(type).FirstOrDefault(m => (m._property?.Name ?? m._field!.Name) == name);
    }
}

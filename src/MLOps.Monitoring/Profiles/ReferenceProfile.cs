using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using MLOps.Monitoring.Profiles.Internal;

namespace MLOps.Monitoring.Profiles;

/// <summary>
/// The reference statistics of a model's input features (usually its training data), against which drift is measured:
/// per feature its kind, counts, summary statistics, quantile bins, category counts and a bounded sample. Built once,
/// stored with the model version as versioned JSON, mergeable across data partitions or replicas.
/// </summary>
/// <remarks>
/// Feature selection from a type: public instance properties and fields; numbers are numeric, <see cref="bool"/> is
/// boolean, strings and enums are categorical, other types are skipped. <see cref="DriftFeatureAttribute"/> and
/// <see cref="ProfileOptions.Roles"/>/<see cref="ProfileOptions.Include"/> change that; ML.NET's <c>[ColumnName]</c>
/// renames a feature and <c>[NoColumn]</c> skips it. <see langword="null"/>, <see cref="double.NaN"/> and (from an
/// <see cref="IDataView"/>) empty text are missing values.
/// </remarks>
public sealed class ReferenceProfile
{
    /// <summary>The JSON schema version this library writes and the newest it reads: 1.</summary>
    public const int CurrentSchemaVersion = 1;

    /// <summary>The most distinct values of a numeric feature that are recorded (<see cref="FeatureProfile.DistinctValues"/>): 20.</summary>
    public const int MaxDistinctValues = 20;

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    private Dictionary<string, FeatureProfile>? _byName;

    [JsonConstructor]
    internal ReferenceProfile()
    {
    }

    internal ReferenceProfile(long rowCount, int binCount, int maxCategories, int sampleSize, int seed, IReadOnlyList<FeatureProfile> features)
    {
        SchemaVersion = CurrentSchemaVersion;
        RowCount = rowCount;
        BinCount = binCount;
        MaxCategories = maxCategories;
        SampleSize = sampleSize;
        Seed = seed;
        Features = features;
    }

    /// <summary>Gets the version of the JSON schema the profile was read from or will be written with.</summary>
    [JsonInclude]
    public int SchemaVersion { get; internal init; } = CurrentSchemaVersion;

    /// <summary>Gets the number of rows profiled.</summary>
    [JsonInclude]
    public long RowCount { get; internal init; }

    /// <summary>Gets the number of quantile bins of numeric features.</summary>
    [JsonInclude]
    public int BinCount { get; internal init; }

    /// <summary>Gets the most categories counted individually per categorical feature.</summary>
    [JsonInclude]
    public int MaxCategories { get; internal init; }

    /// <summary>Gets the most values sampled per numeric feature.</summary>
    [JsonInclude]
    public int SampleSize { get; internal init; }

    /// <summary>Gets the seed of the sampling.</summary>
    [JsonInclude]
    public int Seed { get; internal init; }

    /// <summary>Gets the features, in the order of the type's members or the data's columns.</summary>
    [JsonInclude]
    public IReadOnlyList<FeatureProfile> Features { get; internal init; } = [];

    /// <summary>Profiles rows of <typeparamref name="T"/>: each public property or field is a feature (see the remarks of <see cref="ReferenceProfile"/>).</summary>
    /// <typeparam name="T">The row type, usually the model input type.</typeparam>
    /// <param name="rows">The rows.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="rows"/> or one of its items is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A role does not fit the member type, or <typeparamref name="T"/> has no feature.</exception>
    public static ReferenceProfile Create<T>(IEnumerable<T> rows, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        options ??= new ProfileOptions();
        options.Validate();
        List<T> list = Materialize(rows, nameof(rows));
        List<MemberFeature<T>> members = MemberFeature<T>.Discover(options);
        if (members.Count == 0)
        {
            throw new ArgumentException($"Type {typeof(T).Name} has no public numeric, boolean, string or enum member to profile.", nameof(rows));
        }

        return ProfileBuilder.Build([.. members.Select(m => m.ToColumn(list))], list.Count, options);
    }

    /// <summary>Profiles the scalar columns of an ML.NET <see cref="IDataView"/>: numbers are numeric, booleans boolean, text categorical; vector and key columns are skipped.</summary>
    /// <param name="data">The data.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="data"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The data has no scalar column to profile.</exception>
    public static ReferenceProfile Create(IDataView data, ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ProfileOptions();
        options.Validate();
        var selected = DataViewColumns.Select(data.Schema, options);
        if (selected.Count == 0)
        {
            throw new ArgumentException("The data view has no scalar number, boolean or text column to profile.", nameof(data));
        }

        List<FeatureColumn> columns = DataViewColumns.Read(data, selected);
        return ProfileBuilder.Build(columns, columns[0].Length, options);
    }

    /// <summary>Profiles columns given as arrays (all of the same length).</summary>
    /// <param name="numeric">Numeric columns by name (<see cref="double.NaN"/> is missing).</param>
    /// <param name="categorical">Categorical columns by name (<see langword="null"/> is missing), or <see langword="null"/>.</param>
    /// <param name="options">The options, or <see langword="null"/> for the defaults.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="numeric"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The columns differ in length, a name repeats, or there is no column.</exception>
    public static ReferenceProfile FromColumns(
        IEnumerable<KeyValuePair<string, double[]>> numeric,
        IEnumerable<KeyValuePair<string, string?[]>>? categorical = null,
        ProfileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(numeric);
        options ??= new ProfileOptions();
        options.Validate();
        List<FeatureColumn> columns = Columns(numeric, categorical, nameof(numeric));
        return ProfileBuilder.Build(columns, columns[0].Length, options);
    }

    /// <summary>Reads a profile from JSON written by <see cref="ToJson"/>.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The text is not a valid reference profile.</exception>
    /// <exception cref="NotSupportedException">The profile was written with a newer schema version than this library reads.</exception>
    public static ReferenceProfile FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using JsonDocument document = JsonDocument.Parse(json);
        return FromDocument(document);
    }

    /// <summary>Reads a profile from a UTF-8 JSON stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">A token that cancels the read.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    /// <exception cref="JsonException">The content is not a valid reference profile.</exception>
    /// <exception cref="NotSupportedException">The profile was written with a newer schema version than this library reads.</exception>
    public static async Task<ReferenceProfile> ReadJsonAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using JsonDocument document = await JsonDocument.ParseAsync(stream, default, cancellationToken).ConfigureAwait(false);
        return FromDocument(document);
    }

    /// <summary>Reads a profile from a JSON file.</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token that cancels the read.</param>
    /// <returns>The profile.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    /// <exception cref="JsonException">The content is not a valid reference profile.</exception>
    /// <exception cref="NotSupportedException">The profile was written with a newer schema version than this library reads.</exception>
    public static async Task<ReferenceProfile> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FileStream stream = File.OpenRead(path);
        await using (stream.ConfigureAwait(false))
        {
            return await ReadJsonAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the profile as JSON (camelCase, with <c>schemaVersion</c>; infinite bin edges as <c>"-Infinity"</c>/<c>"Infinity"</c>).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Writes the profile as UTF-8 JSON to a stream.</summary>
    /// <param name="stream">The stream.</param>
    /// <param name="cancellationToken">A token that cancels the write.</param>
    /// <returns>A task that completes when the profile is written.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="stream"/> is <see langword="null"/>.</exception>
    public Task WriteJsonAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return JsonSerializer.SerializeAsync(stream, this, JsonOptions, cancellationToken);
    }

    /// <summary>Writes the profile as a JSON file (replacing it).</summary>
    /// <param name="path">The file path.</param>
    /// <param name="cancellationToken">A token that cancels the write.</param>
    /// <returns>A task that completes when the file is written.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public async Task SaveAsync(string path, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        FileStream stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            await WriteJsonAsync(stream, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Finds a feature by name.</summary>
    /// <param name="name">The feature name.</param>
    /// <returns>The feature, or <see langword="null"/>.</returns>
    public FeatureProfile? Find(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _byName ??= Features.ToDictionary(f => f.Name, StringComparer.Ordinal);
        return _byName.GetValueOrDefault(name);
    }

    /// <summary>Whether <paramref name="other"/> has the same features (names and kinds, in the same order).</summary>
    /// <param name="other">The other profile.</param>
    /// <returns><see langword="true"/> if the schemas match.</returns>
    public bool HasSameSchema(ReferenceProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return Features.Count == other.Features.Count
            && Features.Zip(other.Features).All(p => p.First.Name == p.Second.Name && p.First.Kind == p.Second.Kind);
    }

    /// <summary>
    /// Combines this profile with one of the same schema built from other rows (another partition, another replica):
    /// counts, extremes, mean and standard deviation are exact; category counts are re-bounded; the samples are merged
    /// in proportion to the rows they represent. Bin counts are exact when both profiles have the same bin edges;
    /// otherwise this profile's edges are kept and <paramref name="other"/>'s counts are estimated from its sample.
    /// </summary>
    /// <param name="other">The other profile.</param>
    /// <returns>A new profile.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="other"/> has another schema.</exception>
    public ReferenceProfile Merge(ReferenceProfile other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!HasSameSchema(other))
        {
            throw new ArgumentException(
                $"Cannot merge profiles of different schemas: [{Describe(this)}] and [{Describe(other)}].", nameof(other));
        }

        var features = new List<FeatureProfile>(Features.Count);
        for (int i = 0; i < Features.Count; i++)
        {
            features.Add(ProfileMerger.Merge(Features[i], other.Features[i], MaxCategories, SampleSize, Seed + i));
        }

        return new ReferenceProfile(RowCount + other.RowCount, BinCount, MaxCategories, SampleSize, Seed, features);
    }

    internal static string Describe(ReferenceProfile profile) =>
        string.Join(", ", profile.Features.Select(f => $"{f.Name}:{f.Kind}"));

    internal static List<FeatureColumn> Columns(
        IEnumerable<KeyValuePair<string, double[]>> numeric,
        IEnumerable<KeyValuePair<string, string?[]>>? categorical,
        string paramName)
    {
        var columns = new List<FeatureColumn>();
        foreach ((string name, double[] values) in numeric)
        {
            ArgumentException.ThrowIfNullOrEmpty(name, paramName);
            ArgumentNullException.ThrowIfNull(values, paramName);
            columns.Add(new FeatureColumn(name, FeatureKind.Numeric, values, null));
        }

        foreach ((string name, string?[] values) in categorical ?? [])
        {
            ArgumentException.ThrowIfNullOrEmpty(name, paramName);
            ArgumentNullException.ThrowIfNull(values, paramName);
            columns.Add(new FeatureColumn(name, FeatureKind.Categorical, null, values));
        }

        if (columns.Count == 0)
        {
            throw new ArgumentException("At least one column is required.", paramName);
        }

        if (columns.Any(c => c.Length != columns[0].Length))
        {
            throw new ArgumentException("All columns must have the same length.", paramName);
        }

        return columns;
    }

    internal static List<T> Materialize<T>(IEnumerable<T> rows, string paramName)
    {
        var list = rows.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] is null)
            {
                throw new ArgumentNullException(paramName, $"Row {i} is null.");
            }
        }

        return list;
    }

    private static ReferenceProfile FromDocument(JsonDocument document)
    {
        if (document.RootElement.ValueKind != JsonValueKind.Object
            || !document.RootElement.TryGetProperty("schemaVersion", out JsonElement version)
            || version.ValueKind != JsonValueKind.Number
            || !version.TryGetInt32(out int schemaVersion)
            || schemaVersion < 1)
        {
            throw new JsonException("Not a reference profile: the JSON object has no valid 'schemaVersion'.");
        }

        if (schemaVersion > CurrentSchemaVersion)
        {
            throw new NotSupportedException(
                $"The reference profile has schema version {schemaVersion}; this version of MLOps.Monitoring reads versions up to {CurrentSchemaVersion}. Upgrade the MLOps.Monitoring package.");
        }

        ReferenceProfile profile = document.Deserialize<ReferenceProfile>(JsonOptions)
            ?? throw new JsonException("Not a reference profile.");
        profile.Validate();
        return profile;
    }

    private void Validate()
    {
        foreach (FeatureProfile f in Features)
        {
            if (string.IsNullOrEmpty(f.Name))
            {
                throw new JsonException("A feature of the reference profile has no name.");
            }

            if (f.Kind == FeatureKind.Numeric
                && (f.BinEdges.Count < 2 || f.BinCounts.Count != f.BinEdges.Count - 1
                    || (f.DistinctValues?.Count ?? 0) != (f.DistinctCounts?.Count ?? 0)))
            {
                throw new JsonException($"Feature '{f.Name}' of the reference profile has inconsistent bins.");
            }

            if (f.DistinctValues is { } distinct && !StrictlyAscending(distinct))
            {
                throw new JsonException($"Feature '{f.Name}' of the reference profile has distinct values that are not strictly ascending.");
            }

            if (f.Kind == FeatureKind.Numeric && !OpenAscending(f.BinEdges))
            {
                throw new JsonException(
                    $"Feature '{f.Name}' of the reference profile has invalid bin edges: they must ascend from -Infinity to Infinity.");
            }
        }

        if (Features.Select(f => f.Name).Distinct(StringComparer.Ordinal).Count() != Features.Count)
        {
            throw new JsonException("The reference profile repeats a feature name.");
        }
    }

    private static bool StrictlyAscending(IReadOnlyList<double> values)
    {
        for (int i = 0; i < values.Count; i++)
        {
            if (!double.IsFinite(values[i]) || (i > 0 && !(values[i - 1] < values[i])))
            {
                return false;
            }
        }

        return true;
    }

    private static bool OpenAscending(IReadOnlyList<double> edges)
    {
        if (edges[0] != double.NegativeInfinity || edges[^1] != double.PositiveInfinity)
        {
            return false;
        }

        for (int i = 1; i < edges.Count; i++)
        {
            if (!(edges[i - 1] <= edges[i]))
            {
                return false;
            }
        }

        return true;
    }
}

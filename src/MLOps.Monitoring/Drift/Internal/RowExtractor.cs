using System.Globalization;
using MLOps.Monitoring.Profiles;
using MLOps.Monitoring.Profiles.Internal;

namespace MLOps.Monitoring.Drift.Internal;

/// <summary>
/// Reads the reference's features from rows of <typeparamref name="T"/> into a <see cref="Pane"/> with compiled
/// accessors: no boxing and no allocation per row.
/// </summary>
internal sealed class RowExtractor<T>
{
    private readonly Slot[] _slots;

    public RowExtractor(CompiledReference reference)
    {
        var slots = new List<Slot>();
        var missing = new List<string>();
        var mismatched = new List<string>();
        foreach (CompiledFeature feature in reference.Features)
        {
            MemberFeature<T>? member = MemberFeature<T>.Find(feature.Name, feature.Kind);
            if (member is null)
            {
                if (MemberFeature<T>.HasMember(feature.Name))
                {
                    mismatched.Add($"{feature.Name}: {feature.Kind} → incompatible member type");
                }
                else
                {
                    missing.Add(feature.Name);
                }

                continue;
            }

            slots.Add(CreateSlot(feature, member));
        }

        var known = reference.Profile.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        string[] unexpected = [.. MemberFeature<T>.Discover(new ProfileOptions()).Select(m => m.Name).Where(n => !known.Contains(n))];
        _slots = [.. slots];
        Schema = missing.Count + mismatched.Count + unexpected.Length == 0
            ? SchemaComparison.Same
            : new SchemaComparison(missing, unexpected, mismatched);
    }

    private enum Mode
    {
        Number,
        Boolean,
        Text,
        NumberCategory,
    }

    public SchemaComparison Schema { get; }

    public int FeatureCount => _slots.Length;

    public void Add(Pane pane, T row)
    {
        PaneFeature[] features = pane.Features;
        Slot[] slots = _slots;
        for (int i = 0; i < slots.Length; i++)
        {
            ref readonly Slot slot = ref slots[i];
            PaneFeature target = features[slot.Feature];
            switch (slot.Mode)
            {
                case Mode.Number:
                    target.AddNumber(slot.Number!(row));
                    break;
                case Mode.Boolean:
                    target.AddBoolean(slot.Number!(row));
                    break;
                case Mode.Text:
                    target.AddCategory(slot.Text!(row));
                    break;
                default:
                    double value = slot.Number!(row);
                    if (double.IsNaN(value))
                    {
                        target.AddMissing();
                    }
                    else
                    {
                        target.AddCategory(slot.NumberCategories!.TryGetValue(value, out int index) ? index : slot.Other);
                    }

                    break;
            }
        }

        pane.Rows++;
    }

    private static Slot CreateSlot(CompiledFeature feature, MemberFeature<T> member)
    {
        if (feature.Kind == FeatureKind.Numeric)
        {
            return new Slot(feature.Index, Mode.Number, member.Number, null, null, 0);
        }

        if (feature.Kind == FeatureKind.Boolean)
        {
            return new Slot(feature.Index, Mode.Boolean, member.Number, null, null, 0);
        }

        if (member.Text is not null)
        {
            return new Slot(feature.Index, Mode.Text, null, member.Text, null, feature.OtherCategory);
        }

        // A category read as a number (enum, bool, integer code): map each reference category text back to its value.
        var map = new Dictionary<double, int>();
        for (int i = 0; i < feature.Categories.Length; i++)
        {
            if (TryParseCategory(member.ValueType, feature.Categories[i], out double value))
            {
                map.TryAdd(value, i);
            }
        }

        return new Slot(feature.Index, Mode.NumberCategory, member.Number, null, map, feature.OtherCategory);
    }

    private static bool TryParseCategory(Type valueType, string text, out double value)
    {
        if (valueType.IsEnum)
        {
            if (Enum.TryParse(valueType, text, ignoreCase: false, out object? parsed))
            {
                value = Convert.ToDouble(Convert.ChangeType(parsed, Enum.GetUnderlyingType(valueType), CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
                return true;
            }

            value = 0;
            return false;
        }

        if (valueType == typeof(bool))
        {
            value = text == bool.TrueString ? 1 : 0;
            return text == bool.TrueString || text == bool.FalseString;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    private readonly record struct Slot(int Feature, Mode Mode, Func<T, double>? Number, Func<T, string?>? Text, Dictionary<double, int>? NumberCategories, int Other);
}

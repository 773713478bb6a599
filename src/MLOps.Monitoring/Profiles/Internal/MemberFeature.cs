using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using Microsoft.ML.Data;

namespace MLOps.Monitoring.Profiles.Internal;

/// <summary>
/// A public property or field of <typeparamref name="T"/> compiled into a non-boxing accessor: numbers, booleans and
/// enums read as <see cref="double"/> (NaN for null), strings as <see cref="string"/>.
/// </summary>
internal sealed class MemberFeature<T>
{
    private MemberFeature(string name, FeatureKind kind, Type valueType, Func<T, double>? number, Func<T, string?>? text)
    {
        Name = name;
        Kind = kind;
        ValueType = valueType;
        Number = number;
        Text = text;
    }

    public string Name { get; }

    public FeatureKind Kind { get; }

    /// <summary>The member type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType { get; }

    public bool IsEnum => ValueType.IsEnum;

    /// <summary>Reads numbers, booleans (0/1) and enums (underlying value); NaN when null.</summary>
    public Func<T, double>? Number { get; }

    /// <summary>Reads strings.</summary>
    public Func<T, string?>? Text { get; }

    /// <summary>The features of <typeparamref name="T"/> selected by attributes and <paramref name="options"/>.</summary>
    public static List<MemberFeature<T>> Discover(ProfileOptions options)
    {
        var result = new List<MemberFeature<T>>();
        foreach (MemberInfo member in Members())
        {
            if (member.GetCustomAttribute<NoColumnAttribute>() is not null)
            {
                continue;
            }

            string name = FeatureName(member);
            if (options.Include.Count > 0 && !options.Include.Contains(name))
            {
                continue;
            }

            FeatureRole role = options.Roles.TryGetValue(name, out FeatureRole r) ? r
                : member.GetCustomAttribute<DriftFeatureAttribute>()?.Role ?? FeatureRole.Auto;
            if (role is FeatureRole.Ignore or FeatureRole.Text)
            {
                continue;
            }

            Type type = MemberType(member);
            Type valueType = Nullable.GetUnderlyingType(type) ?? type;
            FeatureKind? kind = role switch
            {
                FeatureRole.Numeric when IsNumber(valueType) || valueType == typeof(bool) => FeatureKind.Numeric,
                FeatureRole.Categorical when IsNumber(valueType) || valueType.IsEnum || valueType == typeof(string) || valueType == typeof(bool) => FeatureKind.Categorical,
                FeatureRole.Auto when IsNumber(valueType) => FeatureKind.Numeric,
                FeatureRole.Auto when valueType == typeof(bool) => FeatureKind.Boolean,
                FeatureRole.Auto when valueType.IsEnum || valueType == typeof(string) => FeatureKind.Categorical,
                FeatureRole.Auto => null,
                _ => throw new ArgumentException(
                    $"Member '{typeof(T).Name}.{member.Name}' of type {type.Name} cannot be a {role} feature.", nameof(options)),
            };
            if (kind is null)
            {
                continue;
            }

            result.Add(Create(member, name, kind.Value));
        }

        return result;
    }

    /// <summary>Finds the member named <paramref name="name"/> (by <see cref="FeatureName"/>) and compiles it for <paramref name="kind"/>, or returns null.</summary>
    public static MemberFeature<T>? Find(string name, FeatureKind kind)
    {
        foreach (MemberInfo member in Members())
        {
            if (FeatureName(member) != name)
            {
                continue;
            }

            Type type = MemberType(member);
            Type valueType = Nullable.GetUnderlyingType(type) ?? type;
            bool compatible = kind switch
            {
                FeatureKind.Numeric => IsNumber(valueType) || valueType == typeof(bool),
                FeatureKind.Boolean => valueType == typeof(bool) || IsNumber(valueType),
                _ => IsNumber(valueType) || valueType.IsEnum || valueType == typeof(string) || valueType == typeof(bool),
            };
            return compatible ? Create(member, name, kind) : null;
        }

        return null;
    }

    /// <summary>Whether <typeparamref name="T"/> has a member with this feature name at all.</summary>
    public static bool HasMember(string name) => Members().Any(m => FeatureName(m) == name);

    public static IEnumerable<string> MemberNames() => Members().Select(FeatureName);

    /// <summary>Materializes this feature over <paramref name="rows"/> (batch; allocates).</summary>
    public FeatureColumn ToColumn(IReadOnlyList<T> rows)
    {
        if (Kind == FeatureKind.Categorical)
        {
            var texts = new string?[rows.Count];
            for (int i = 0; i < texts.Length; i++)
            {
                texts[i] = CategoryOf(rows[i]);
            }

            return new FeatureColumn(Name, Kind, null, texts);
        }

        var numbers = new double[rows.Count];
        for (int i = 0; i < numbers.Length; i++)
        {
            numbers[i] = Number!(rows[i]);
        }

        return new FeatureColumn(Name, Kind, numbers, null);
    }

    /// <summary>The category text of a row (batch path): strings as is, enums by name, numbers invariant, booleans False/True.</summary>
    public string? CategoryOf(T row)
    {
        if (Text is not null)
        {
            return Text(row);
        }

        double value = Number!(row);
        if (double.IsNaN(value))
        {
            return null;
        }

        return CategoryText(ValueType, value);
    }

    internal static string CategoryText(Type valueType, double value)
    {
        if (valueType.IsEnum)
        {
            return Enum.ToObject(valueType, (long)value).ToString() ?? "";
        }

        if (valueType == typeof(bool))
        {
            return value != 0 ? bool.TrueString : bool.FalseString;
        }

        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    // ColumnNameAttribute.Name is internal to ML.NET: read the constructor argument.
    internal static string FeatureName(MemberInfo member) =>
        member.GetCustomAttributesData().FirstOrDefault(a => a.AttributeType == typeof(ColumnNameAttribute))?.ConstructorArguments[0].Value as string
        ?? member.Name;

    private static IEnumerable<MemberInfo> Members()
    {
        foreach (PropertyInfo property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                yield return property;
            }
        }

        foreach (FieldInfo field in typeof(T).GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            yield return field;
        }
    }

    private static Type MemberType(MemberInfo member) => member is PropertyInfo p ? p.PropertyType : ((FieldInfo)member).FieldType;

    private static bool IsNumber(Type type) =>
        type == typeof(double) || type == typeof(float) || type == typeof(int) || type == typeof(long)
        || type == typeof(short) || type == typeof(byte) || type == typeof(sbyte) || type == typeof(ushort)
        || type == typeof(uint) || type == typeof(ulong) || type == typeof(decimal) || type == typeof(Half);

    private static MemberFeature<T> Create(MemberInfo member, string name, FeatureKind kind)
    {
        Type type = MemberType(member);
        Type valueType = Nullable.GetUnderlyingType(type) ?? type;
        ParameterExpression row = Expression.Parameter(typeof(T), "row");
        Expression access = Expression.MakeMemberAccess(row, member);
        if (valueType == typeof(string))
        {
            return new MemberFeature<T>(name, kind, valueType, null, Expression.Lambda<Func<T, string?>>(access, row).Compile());
        }

        Expression body;
        if (type != valueType)
        {
            // Nullable<X>: HasValue ? (double)Value : NaN.
            body = Expression.Condition(
                Expression.Property(access, "HasValue"),
                ToDouble(Expression.Property(access, "Value"), valueType),
                Expression.Constant(double.NaN));
        }
        else
        {
            body = ToDouble(access, valueType);
        }

        return new MemberFeature<T>(name, kind, valueType, Expression.Lambda<Func<T, double>>(body, row).Compile(), null);
    }

    private static Expression ToDouble(Expression value, Type valueType)
    {
        if (valueType == typeof(bool))
        {
            return Expression.Condition(value, Expression.Constant(1.0), Expression.Constant(0.0));
        }

        if (valueType.IsEnum)
        {
            return Expression.Convert(Expression.Convert(value, Enum.GetUnderlyingType(valueType)), typeof(double));
        }

        if (valueType == typeof(Half))
        {
            return Expression.Convert(Expression.Convert(value, typeof(float)), typeof(double));
        }

        return Expression.Convert(value, typeof(double));
    }
}

namespace MLOps;

/// <summary>One column of a <see cref="ModelSignature"/>.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The item type name, such as <c>Single</c>, <c>String</c> or <c>Boolean</c>.</param>
/// <param name="IsVector">Whether the column is a vector of <paramref name="Type"/>.</param>
/// <param name="Size">The vector size when known and fixed; 0 for scalars and variable-size vectors.</param>
public sealed record SignatureColumn(string Name, string Type, bool IsVector = false, int Size = 0);

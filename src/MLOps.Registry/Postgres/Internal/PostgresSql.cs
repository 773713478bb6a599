namespace MLOps.Registry.Postgres.Internal;

/// <summary>SQL text helpers.</summary>
internal static class PostgresSql
{
    /// <summary>Quotes an identifier (schema, table, channel) for use in SQL text.</summary>
    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>Quotes a string literal for the few places where parameters are not allowed (DDL, DO blocks).</summary>
    public static string QuoteLiteral(string literal) => "'" + literal.Replace("'", "''", StringComparison.Ordinal) + "'";
}

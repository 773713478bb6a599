using Npgsql;
using NpgsqlTypes;

namespace MLOps.Registry.Postgres.Internal;

/// <summary>Positional parameters (<c>$1</c>, <c>$2</c>, …) in the order they are added.</summary>
internal static class NpgsqlCommandExtensions
{
    public static NpgsqlCommand With<T>(this NpgsqlCommand command, T value)
    {
        command.Parameters.Add(new NpgsqlParameter<T> { TypedValue = value });
        return command;
    }

    public static NpgsqlCommand WithNullable(this NpgsqlCommand command, object? value, NpgsqlDbType type)
    {
        command.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value, NpgsqlDbType = type });
        return command;
    }

    public static NpgsqlCommand WithJson(this NpgsqlCommand command, string? json) => command.WithNullable(json, NpgsqlDbType.Jsonb);

    public static NpgsqlCommand WithText(this NpgsqlCommand command, string? text) => command.WithNullable(text, NpgsqlDbType.Text);

    public static NpgsqlCommand WithInteger(this NpgsqlCommand command, int? value) => command.WithNullable(value, NpgsqlDbType.Integer);
}

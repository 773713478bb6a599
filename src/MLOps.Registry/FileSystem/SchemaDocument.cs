namespace MLOps.Registry.FileSystem;

/// <summary>The content of <c>schema.json</c>.</summary>
internal sealed class SchemaDocument
{
    public int SchemaVersion { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

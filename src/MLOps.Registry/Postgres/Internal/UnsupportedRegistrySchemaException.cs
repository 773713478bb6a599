namespace MLOps.Registry.Postgres.Internal;

// Temporary until the Core registry abstractions (branch registry) provide the public exception of this name.
internal sealed class UnsupportedRegistrySchemaException(string message) : Exception(message);

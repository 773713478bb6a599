using System.Text.Json;
using MLOps.Registry.FileSystem;
using MLOps.Registry.Internal;
using MLOps.Shared.FileSystem;

namespace MLOps;

public sealed partial class FileSystemModelRegistry
{
    private static ModelRegistryException NotFound(string message) => new(RegistryErrorCode.NotFound, message);

    /// <summary>
    /// Whether an exception of the storage phase (after the arguments were checked) is a failure of the storage: I/O
    /// errors, a full disk, permissions, or a file size limit, which .NET reports as <see cref="ArgumentOutOfRangeException"/>
    /// ("Specified file length was too large for the file system", EFBIG).
    /// </summary>
    private static bool IsStorageFailure(Exception ex) => ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException;

    private ModelRegistryException StorageFailure(string operation, Exception ex) =>
        new(RegistryErrorCode.Storage, $"{operation} failed in the registry at '{RootPath}': {ex.Message} Nothing was changed; it is safe to retry.", ex);

    /// <summary>The file's content, or <see langword="null"/> if it does not exist.</summary>
    private static async Task<byte[]?> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                byte[] bytes = new byte[stream.Length];
                await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
                return bytes;
            }
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelRegistryException(RegistryErrorCode.Storage, $"The registry file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>The file's content, or <see langword="null"/> if it does not exist (synchronous: small local files).</summary>
    private static byte[]? ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelRegistryException(RegistryErrorCode.Storage, $"The registry file '{path}' cannot be read: {ex.Message}", ex);
        }
    }

    /// <summary>Deserializes a registry file; JSON that does not fit the record (a wrong type, a missing required field) is <see cref="RegistryErrorCode.CorruptData"/>.</summary>
    private static T? Parse<T>(ReadOnlySpan<byte> bytes, string path)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(bytes, RegistryJson.Options);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
        {
            throw RegistryFileCheck.Corrupt(path, $"it is not a valid {typeof(T).Name} document ({ex.Message})", ex);
        }
    }

    private Task WriteJsonAsync<T>(string path, T value) =>
        AtomicFile.WriteAsync(path, JsonSerializer.SerializeToUtf8Bytes(value, RegistryJson.Options), Fault, CancellationToken.None);
}

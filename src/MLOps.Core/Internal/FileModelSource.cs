using System.Security.Cryptography;
using Microsoft.Extensions.Primitives;

namespace MLOps.Internal;

/// <summary>
/// Serves a model file (an ML.NET zip, an ONNX graph or any registered <see cref="IModelFormat"/>, picked by extension) and reloads it when the file changes. Versions count the distinct contents
/// loaded by this process (1, 2, …). A change is detected by a file-system watcher and, as a fallback for file systems
/// where watchers miss events (network and container volumes), by polling the file's size and time stamp.
/// </summary>
/// <remarks>
/// The file is read completely into memory and hashed before the runtime parses it, so a writer replacing it is never
/// blocked and an unchanged file (same SHA-256) does not produce a new version. A read of a half-written file fails
/// the load (the previous version keeps serving); the writer's later events — or the poll, which compares against
/// the state seen at the failed attempt — trigger the next load. This is the failure mode of
/// Microsoft.Extensions.ML's file loader, which stopped watching after one failed reload.
/// </remarks>
internal sealed class FileModelSource : ModelSource
{
    private readonly string _path;
    private readonly FileChangeSignal? _signal;
    private readonly ModelFormatSet _formats;
    private int _versions;

    public FileModelSource(string path, bool watch, TimeSpan pollInterval, TimeProvider timeProvider, ModelFormatSet? formats = null)
    {
        _path = Path.GetFullPath(path);
        _formats = formats ?? ModelFormatSet.BuiltIn;
        _signal = watch ? new FileChangeSignal(_path, pollInterval, timeProvider) : null;
    }

    public override string Description => $"file '{_path}'";

    /// <remarks>
    /// Loading a model file is file and CPU work, done synchronously: the returned task is already complete, so a
    /// prediction that starts the first load without a host (see <see cref="ModelRuntime{TIn, TOut}"/>) is served by
    /// it without waiting on a task.
    /// </remarks>
    public override ValueTask<LoadedModel?> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(Load(context));
        }
        catch (Exception ex)
        {
            return ValueTask.FromException<LoadedModel?>(ex);
        }
    }

    private LoadedModel? Load(ModelLoadContext context)
    {
        _signal?.MarkObserved();
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException($"The model file '{_path}' does not exist.", _path);
        }

        byte[] bytes = File.ReadAllBytes(_path);
        string fingerprint = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (fingerprint == context.CurrentFingerprint)
        {
            return null;
        }

        InferenceModel model = _formats.Load(bytes, _path, formatName: null, context);
        return new LoadedModel(model, new ModelVersion(Interlocked.Increment(ref _versions)), fingerprint);
    }

    public override IChangeToken? Watch() => _signal?.GetToken();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _signal?.Dispose();
        }

        base.Dispose(disposing);
    }
}

using System.Text.Json;

namespace MLOps.Monitoring.Retraining.Internal;

/// <summary>
/// Persists <see cref="RetrainState"/> as <c>&lt;directory&gt;/&lt;model&gt;.json</c>: written to a temporary file,
/// flushed to disk and renamed over the old one, so a crash leaves either the old or the new state, never half of one.
/// An unreadable file (say, from a newer version) is logged by the caller and replaced.
/// </summary>
internal sealed class RetrainStateStore(string directory)
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public string Directory { get; } = Path.GetFullPath(directory);

    public RetrainState Load(ModelName modelName)
    {
        string path = PathOf(modelName);
        if (!File.Exists(path))
        {
            return new RetrainState();
        }

        var state = JsonSerializer.Deserialize<RetrainState>(File.ReadAllBytes(path), Json)
            ?? throw new InvalidDataException($"The retrain state file {path} is empty.");
        if (state.SchemaVersion != 1)
        {
            throw new InvalidDataException($"The retrain state file {path} has schema version {state.SchemaVersion}; this version reads 1.");
        }

        return state;
    }

    public void Save(ModelName modelName, RetrainState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        string path = PathOf(modelName);
        string temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, state, Json);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            File.Delete(temp);
        }
    }

    // Model names are validated by ModelName (letters, digits, '_', '.', '-'; no leading dot), so they are safe file names.
    private string PathOf(ModelName modelName) => Path.Combine(Directory, modelName.Value + ".json");
}

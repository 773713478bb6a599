using System.Globalization;

namespace MLOps.Registry.Tracking;

/// <summary>
/// Checks what a tracking file holds before it is used, like <see cref="FileSystem.RegistryFileCheck"/> for the registry:
/// a <c>null</c> document or line, a required field <c>null</c> or out of range, or the record of another experiment, run
/// or metric than its path says, is a <see cref="ModelRegistryException"/> with <see cref="RegistryErrorCode.CorruptData"/>
/// naming the file.
/// </summary>
internal static class TrackingFileCheck
{
    public static ModelRegistryException Corrupt(string path, string problem, Exception? innerException = null) =>
        new(RegistryErrorCode.CorruptData, $"The tracking file '{path}' is corrupt: {problem}.", innerException);

    /// <summary>Checks <c>experiments/&lt;name&gt;.json</c>.</summary>
    public static ExperimentDocument Experiment(ExperimentDocument? document, string path, string name)
    {
        if (document is null)
        {
            throw Corrupt(path, "it holds null instead of an experiment");
        }

        if (!string.Equals(document.Name, name, StringComparison.Ordinal))
        {
            throw Corrupt(path, document.Name is null ? "'name' is null" : $"it holds experiment '{document.Name}', but it is the file of '{name}'");
        }

        Strings(document.Tags, path, "tags");
        return document;
    }

    /// <summary>Checks <c>runs/&lt;id&gt;/run.json</c>.</summary>
    public static RunDocument Run(RunDocument? document, string path, string runId)
    {
        if (document is null)
        {
            throw Corrupt(path, "it holds null instead of a run");
        }

        if (!string.Equals(document.RunId, runId, StringComparison.Ordinal))
        {
            throw Corrupt(path, document.RunId is null ? "'runId' is null" : $"it holds run '{document.RunId}', but it is the file of run '{runId}'");
        }

        if (!MLOps.Experiment.IsValidName(document.ExperimentName))
        {
            throw Corrupt(path, $"'experimentName' '{document.ExperimentName}' is not a valid experiment name");
        }

        if (!Enum.IsDefined(document.Status))
        {
            throw Corrupt(path, $"'status' {document.Status} is not one of {string.Join(", ", Enum.GetNames<RunStatus>())}");
        }

        Strings(document.Params, path, "params");
        Strings(document.Tags, path, "tags");
        if (document.Datasets is null || document.Datasets.Any(d => d is null || d.Name is null || d.Digest is null))
        {
            throw Corrupt(path, "'datasets' is null or holds a dataset that is null or has no name or digest");
        }

        if (document.Artifacts is null)
        {
            throw Corrupt(path, "'artifacts' is null");
        }

        foreach (RunArtifact? artifact in document.Artifacts)
        {
            if (artifact is null || artifact.Path is null || !ModelArtifact.IsValidPath(artifact.Path)
                || artifact.Sha256 is not { Length: 64 } || artifact.Length < 0)
            {
                throw Corrupt(path, $"artifact '{artifact?.Path}' is null or has an invalid path, SHA-256 or length");
            }
        }

        return document;
    }

    /// <summary>Checks a line of a metric file; <paramref name="fileName"/> is the file name its key must map to.</summary>
    public static MetricLine Metric(MetricLine? line, string path, int lineNumber, string fileName, Func<string, string> fileNameOf)
    {
        string where = "line " + lineNumber.ToString(CultureInfo.InvariantCulture);
        if (line is null)
        {
            throw Corrupt(path, $"{where} is null instead of a metric point");
        }

        if (line.Key is null || !string.Equals(fileNameOf(line.Key), fileName, StringComparison.Ordinal))
        {
            throw Corrupt(path, line.Key is null ? $"{where} has no key" : $"{where} is a point of metric '{line.Key}', which is not kept in this file");
        }

        if (!double.IsFinite(line.Value) || line.Step < 0)
        {
            throw Corrupt(path, $"{where} has a value that is not finite or a negative step");
        }

        return line;
    }

    private static void Strings(Dictionary<string, string>? values, string path, string field)
    {
        if (values is null)
        {
            throw Corrupt(path, $"'{field}' is null");
        }

        foreach ((string key, string? value) in values)
        {
            if (value is null)
            {
                throw Corrupt(path, $"'{field}.{key}' is null");
            }
        }
    }
}

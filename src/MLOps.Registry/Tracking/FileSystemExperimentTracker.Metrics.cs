using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MLOps.Registry.Internal;
using MLOps.Registry.Tracking;
using MLOps.Shared.FileSystem;

namespace MLOps;

// Metric files: one JSON-lines file per key, appended under the run lock, torn last lines cut.
public sealed partial class FileSystemExperimentTracker
{
    /// <summary>The file a metric key's points are appended to.</summary>
    internal string MetricFile(string runId, string key) => Path.Combine(RunDir(runId), MetricsDirName, MetricFileName(key));

    internal static string MetricFileName(string key)
    {
        var name = new StringBuilder(key.Length + 6);
        foreach (byte b in Encoding.UTF8.GetBytes(key))
        {
            char c = (char)b;
            if (char.IsAsciiLetterOrDigit(c) || c is '_' or '-' || (c == '.' && name.Length > 0))
            {
                name.Append(c);
            }
            else
            {
                name.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
            }
        }

        return name.Length <= 200
            ? name.Append(".jsonl").ToString()
            : "sha256-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key))) + ".jsonl";
    }

    private async Task AppendMetricsAsync(string runId, List<MetricLine> lines, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(RunDir(runId)))
        {
            throw TrackingValidation.RunNotFound(runId);
        }

        using (await LockAsync(Path.Combine(RunDir(runId), RunLockName), cancellationToken).ConfigureAwait(false))
        {
            RunDocument document = await RequireRunAsync(runId, cancellationToken).ConfigureAwait(false);
            if (document.Status != RunStatus.Running)
            {
                throw Ended(document);
            }

            DirectorySync.CreateDirectory(Path.Combine(RunDir(runId), MetricsDirName));
            foreach (IGrouping<string, MetricLine> group in lines.GroupBy(l => MetricFileName(l.Key), StringComparer.Ordinal))
            {
                using var buffer = new MemoryStream();
                foreach (MetricLine line in group)
                {
                    JsonSerializer.Serialize(buffer, line, RegistryJson.Compact);
                    buffer.WriteByte((byte)'\n');
                }

                var stream = new FileStream(
                    Path.Combine(RunDir(runId), MetricsDirName, group.Key), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 4096, FileOptions.None);
                await using (stream.ConfigureAwait(false))
                {
                    JsonLines.RepairTornTail(stream);
                    stream.Seek(0, SeekOrigin.End);
                    await stream.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
                    await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static async Task<List<MetricLine>> ReadMetricFileAsync(string path, CancellationToken cancellationToken)
    {
        byte[] content;
        try
        {
            content = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        var lines = new List<MetricLine>();
        string fileName = Path.GetFileName(path);
        int start = 0;
        int lineNumber = 0;
        while (start < content.Length)
        {
            int end = Array.IndexOf(content, (byte)'\n', start);
            if (end < 0)
            {
                break; // a torn (or still being written) last line is ignored; the next append cuts it
            }

            lineNumber++;
            MetricLine? line;
            try
            {
                line = JsonSerializer.Deserialize<MetricLine>(content.AsSpan(start, end - start), RegistryJson.Compact);
            }
            catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException or OverflowException or NotSupportedException or ArgumentException)
            {
                throw TrackingFileCheck.Corrupt(path, $"line {lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture)} is not a metric point ({ex.Message})", ex);
            }

            lines.Add(TrackingFileCheck.Metric(line, path, lineNumber, fileName, MetricFileName));
            start = end + 1;
        }

        return lines;
    }

    private async Task<IReadOnlyDictionary<string, double>> ReadLatestMetricsAsync(string runId, CancellationToken cancellationToken)
    {
        var latest = new Dictionary<string, MetricLine>(StringComparer.Ordinal);
        string dir = Path.Combine(RunDir(runId), MetricsDirName);
        if (Directory.Exists(dir))
        {
            foreach (string file in Directory.EnumerateFiles(dir, "*.jsonl"))
            {
                foreach (MetricLine line in await ReadMetricFileAsync(file, cancellationToken).ConfigureAwait(false))
                {
                    if (!latest.TryGetValue(line.Key, out MetricLine? current)
                        || line.Step > current.Step
                        || (line.Step == current.Step && line.Timestamp >= current.Timestamp))
                    {
                        latest[line.Key] = line;
                    }
                }
            }
        }

        return latest.ToDictionary(p => p.Key, p => p.Value.Value, StringComparer.Ordinal);
    }
}

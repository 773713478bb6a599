using System.Globalization;
using Microsoft.Extensions.Logging;
using MLOps.Shared.FileSystem;

namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// A numbered series of append-only JSON-lines files in one directory (<c>{prefix}NNNNNN.jsonl</c>): the current file
/// is rotated at a size and the oldest files beyond a count are deleted. Not thread-safe: its owner serializes appends.
/// </summary>
internal sealed class JsonLinesFileSeries(string directory, string prefix, long maxFileSize, int maxFiles, ILogger logger) : IDisposable
{
    private const string FileExtension = ".jsonl";
    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private FileStream? _current;
    private int _currentNumber;

    /// <summary>The files, oldest first.</summary>
    public string[] List()
    {
        if (!Directory.Exists(directory))
        {
            return [];
        }

        var files = new List<(int Number, string Path)>();
        foreach (string path in Directory.EnumerateFiles(directory, prefix + "*" + FileExtension))
        {
            if (TryGetNumber(path, out int number))
            {
                files.Add((number, path));
            }
        }

        files.Sort(static (a, b) => a.Number.CompareTo(b.Number));
        return files.ConvertAll(static f => f.Path).ToArray();
    }

    /// <summary>The file to append to, rotated when it reached the size and starting on a fresh line after a torn one.</summary>
    public FileStream OpenForAppend()
    {
        if (_current is not null && _current.Length < maxFileSize)
        {
            return _current;
        }

        if (_current is null)
        {
            Directory.CreateDirectory(directory);
            string[] existing = List();
            _currentNumber = existing.Length == 0 ? 1 : (TryGetNumber(existing[^1], out int last) ? last : 1);
        }
        else
        {
            _current.Dispose();
            _current = null;
            _currentNumber++;
        }

        var stream = new FileStream(PathOf(_currentNumber), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete, 1);
        // A crash may have left a torn last line: start on a fresh line so the next record stays readable. The fragment
        // stays (readers skip it), unlike the registry's and the tracker's logs, which cut it (JsonLines.RepairTornTail).
        bool endsWithNewline = JsonLines.EndsWithCompleteLine(stream);
        stream.Seek(0, SeekOrigin.End);
        if (!endsWithNewline)
        {
            stream.Write(NewLine);
        }

        _current = stream;
        if (_current.Length >= maxFileSize)
        {
            return OpenForAppend();
        }

        Prune();
        return _current;
    }

    public void Dispose()
    {
        _current?.Dispose();
        _current = null;
    }

    private bool TryGetNumber(string path, out int number)
    {
        string name = Path.GetFileNameWithoutExtension(path);
        return int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out number);
    }

    private string PathOf(int number) =>
        Path.Combine(directory, prefix + number.ToString("D6", CultureInfo.InvariantCulture) + FileExtension);

    private void Prune()
    {
        string[] files = List();
        for (int i = 0; i < files.Length - maxFiles; i++)
        {
            try
            {
                File.Delete(files[i]);
                Log.PredictionLogFilePruned(logger, files[i]);
            }
            catch (IOException ex)
            {
                Log.PredictionLogPruneFailed(logger, ex, files[i]);
            }
        }
    }
}

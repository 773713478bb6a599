namespace MLOps.Monitoring.Tests.Support;

public static class TestFiles
{
    /// <summary>Finds a file of the test project (from the output folder upwards), so data files need no copy step.</summary>
    public static string Find(string relativePath)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relativePath);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"Test file {relativePath} not found above {AppContext.BaseDirectory}.");
    }
}

namespace MLOps.AspNetCore.Tests.Dashboard;

/// <summary>A fact that drives Debian's Chromium; skipped, saying why, only when <see cref="Path"/> is missing (CI installs it).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>The browser the tests launch; Playwright never downloads one.</summary>
    public const string Path = "/usr/bin/chromium";

    public ChromiumFactAttribute()
    {
        if (!File.Exists(Path))
        {
            Skip = $"{Path} is missing: install Debian's chromium package (apt-get install chromium) to run the dashboard's browser tests.";
        }
    }
}

namespace MLOps.AspNetCore.Internal.Dashboard;

/// <summary>The dashboard's files, embedded in this assembly (see the csproj): the page, its script, style and icon.</summary>
internal static class DashboardAssets
{
    private const string ResourcePrefix = "MLOps.AspNetCore.Dashboard.";

    public static DashboardAsset Index { get; } = Load("index.html", "text/html; charset=utf-8");

    /// <summary>The files the page loads, each served at <c>{pattern}/{name}</c>.</summary>
    public static IReadOnlyList<DashboardAsset> Files { get; } =
    [
        Load("app.js", "text/javascript; charset=utf-8"),
        Load("app.css", "text/css; charset=utf-8"),
        Load("favicon.svg", "image/svg+xml"),
    ];

    private static DashboardAsset Load(string name, string contentType)
    {
        using Stream stream = typeof(DashboardAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"The dashboard resource '{ResourcePrefix + name}' is missing from {typeof(DashboardAssets).Assembly.GetName().Name}.");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return new DashboardAsset(name, contentType, buffer.ToArray());
    }
}

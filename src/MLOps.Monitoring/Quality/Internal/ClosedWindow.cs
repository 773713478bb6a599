namespace MLOps.Monitoring.Quality.Internal;

/// <summary>A window that just closed, with (fleet mode) the queue positions counted into it and the id it is published under.</summary>
internal sealed record ClosedWindow(QualityWindow Window, long[] Positions, Guid Id);

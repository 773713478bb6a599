namespace MLOps.Monitoring.Quality.Internal;

internal enum StoreLookup
{
    NotFound,
    Live,
    Expired,
    Labelled,
}

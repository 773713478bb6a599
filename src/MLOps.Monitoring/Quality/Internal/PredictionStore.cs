namespace MLOps.Monitoring.Quality.Internal;

/// <summary>
/// The bounded in-memory store of recent predictions: a preallocated ring of structs plus an id → slot index sized
/// up front, so adding a prediction allocates nothing. When full, each add overwrites the oldest prediction.
/// Expiry (time-to-live) is checked on lookup; an expired entry stays until overwritten.
/// </summary>
internal sealed class PredictionStore
{
    private readonly StoredPrediction[] _ring;
    private readonly Dictionary<PredictionId, int> _index;
    private readonly long _timeToLiveTicks;
    private readonly Lock _gate = new();
    private int _next;
    private int _count;
    private long _evicted;

    public PredictionStore(int capacity, TimeSpan timeToLive)
    {
        _ring = new StoredPrediction[capacity];
        _index = new Dictionary<PredictionId, int>(capacity);
        _timeToLiveTicks = timeToLive.Ticks;
    }

    public int Capacity => _ring.Length;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Gets the number of predictions overwritten because the store was full.</summary>
    public long Evicted => Interlocked.Read(ref _evicted);

    public bool IsExpired(long predictionUtcTicks, long nowUtcTicks) => nowUtcTicks - predictionUtcTicks > _timeToLiveTicks;

    public void Add(in StoredPrediction prediction)
    {
        lock (_gate)
        {
            ref StoredPrediction slot = ref _ring[_next];
            if (_count == _ring.Length)
            {
                // Only remove the index entry if it still points here (an id re-added later points elsewhere).
                if (_index.TryGetValue(slot.Id, out int at) && at == _next)
                {
                    _index.Remove(slot.Id);
                }

                _evicted++;
            }
            else
            {
                _count++;
            }

            slot = prediction;
            _index[prediction.Id] = _next;
            _next = _next + 1 == _ring.Length ? 0 : _next + 1;
        }
    }

    public StoreLookup TryGet(PredictionId id, long nowUtcTicks, out StoredPrediction prediction)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(id, out int at))
            {
                prediction = default;
                return StoreLookup.NotFound;
            }

            prediction = _ring[at];
            return prediction.Labelled ? StoreLookup.Labelled
                : IsExpired(prediction.UtcTicks, nowUtcTicks) ? StoreLookup.Expired
                : StoreLookup.Live;
        }
    }

    /// <summary>Marks a prediction as having received feedback; <see langword="false"/> if it already had (or is gone).</summary>
    public bool TryMarkLabelled(PredictionId id)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(id, out int at) || _ring[at].Labelled)
            {
                return false;
            }

            _ring[at].Labelled = true;
            return true;
        }
    }
}

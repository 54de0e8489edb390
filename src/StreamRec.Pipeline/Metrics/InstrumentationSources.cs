namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// What the observable instruments read that <see cref="PipelineMetrics"/> does not hold. The job that runs the
/// pipeline sets the gauges on its own thread between batches (reading state from elsewhere would race the
/// core); the instruments only read these fields.
/// </summary>
public sealed class InstrumentationSources
{
    private long _activeUsers;
    private long _liveRooms;
    private long _modelSwaps;
    private readonly Lock _exchangeLock = new();
    private (long Merged, long Superseded, long MergedEarly, long Adopted, long Held) _exchange;

    public long ActiveUsers
    {
        get => Interlocked.Read(ref _activeUsers);
        set => Interlocked.Exchange(ref _activeUsers, value);
    }

    public long LiveRooms
    {
        get => Interlocked.Read(ref _liveRooms);
        set => Interlocked.Exchange(ref _liveRooms, value);
    }

    public long ModelSwaps => Interlocked.Read(ref _modelSwaps);

    /// <summary>The room-aggregate exchange's counts as of the last tick close: merged, superseded, merged early, adopted, waiting.</summary>
    public (long Merged, long Superseded, long MergedEarly, long Adopted, long Held) Exchange
    {
        get
        {
            lock (_exchangeLock)
            {
                return _exchange;
            }
        }

        set
        {
            lock (_exchangeLock)
            {
                _exchange = value;
            }
        }
    }

    /// <summary>Records per input partition not yet processed, keyed <c>topic[partition]</c>.</summary>
    public Func<IReadOnlyDictionary<string, long>> ConsumerLag { get; init; } = static () => new Dictionary<string, long>();

    /// <summary>Input records deleted by retention before they were read (a stored position older than the log's start).</summary>
    public Func<long> InputSkipped { get; init; } = static () => 0;

    /// <summary>Version of the model scoring now, or null when no model is loaded (the baseline scorer).</summary>
    public Func<string?> ModelVersion { get; init; } = static () => null;

    public IOnlineEvaluationSource? OnlineEvaluation { get; init; }

    public void AddModelSwap() => Interlocked.Increment(ref _modelSwaps);
}

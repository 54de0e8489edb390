using System.Diagnostics;
using System.Diagnostics.Metrics;
using StreamRec.Contracts.Events;

namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// The one place StreamRec's <see cref="Meter"/> instruments are defined. Counters that
/// <see cref="PipelineMetrics"/> already keeps are observable instruments over it, so the hot path pays nothing
/// more for them; events per kind are added once per batch; histograms are recorded once per batch or per
/// scorer call. Everything else (Prometheus, the JSON snapshot, the dashboard) listens to these instruments.
/// </summary>
public sealed class StreamRecInstrumentation : IDisposable
{
    /// <summary>The <c>type</c> field's values, indexed by <see cref="EventKind"/>.</summary>
    public static IReadOnlyList<string> KindNames { get; } = ["click", "comment", "purchase", "room_start", "room_stop", "room_update"];

    private static readonly KeyValuePair<string, object?>[][] KindTags =
        [.. KindNames.Select(kind => new[] { new KeyValuePair<string, object?>("kind", kind) })];

    private static readonly double[] SecondsBuckets =
        [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 30, 60];

    private readonly Counter<long> _events;
    private readonly Histogram<double> _freshness;
    private readonly Histogram<double> _roomStop;
    private readonly Histogram<double> _scoring;
    private readonly Histogram<double> _steps;
    private readonly PipelineMetrics _metrics;
    private readonly InstrumentationSources _sources;

    public StreamRecInstrumentation(PipelineMetrics metrics, InstrumentationSources sources)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(sources);
        _metrics = metrics;
        _sources = sources;
        Meter = new Meter(InstrumentNames.Meter, "1.0");
        _events = Meter.CreateCounter<long>(InstrumentNames.EventsReceived, "{event}", "Valid events in, by kind.");
        Meter.CreateObservableCounter(InstrumentNames.RecordsReceived, () => metrics.RecordsIn, "{record}", "Raw records in, valid or not.");
        Meter.CreateObservableCounter(InstrumentNames.DeadLetters, DeadLetters, "{record}", "Records dead-lettered, by reason.");
        Meter.CreateObservableCounter(InstrumentNames.DeltasProduced, () => metrics.DeltasOut, "{delta}", "Recommendation deltas out.");
        Meter.CreateObservableCounter(InstrumentNames.Reranks, () => metrics.Reranks, "{user}", "Users whose lists were re-scored.");
        Meter.CreateObservableCounter(InstrumentNames.RowsScored, () => metrics.ScoredRows, "{row}", "Feature rows scored.");
        Meter.CreateObservableGauge(InstrumentNames.UsersActive, () => sources.ActiveUsers, "{user}", "Users with state in this instance's partitions.");
        Meter.CreateObservableGauge(InstrumentNames.RoomsLive, () => sources.LiveRooms, "{room}", "Rooms live now.");
        Meter.CreateObservableGauge(InstrumentNames.ConsumerLag, Lag, "{record}", "Records not yet processed, per input partition.");
        Meter.CreateObservableCounter(InstrumentNames.InputSkipped, () => sources.InputSkipped(), "{record}", "Input records deleted by retention before they were read.");
        Meter.CreateObservableGauge(InstrumentNames.ModelInfo, ModelInfo, "1", "1, tagged with the version of the model scoring now.");
        Meter.CreateObservableCounter(InstrumentNames.ModelSwaps, () => sources.ModelSwaps, "{swap}", "Models swapped in while running.");
        Meter.CreateObservableCounter(
            InstrumentNames.ExchangeContributions, ExchangeContributions, "{contribution}",
            "Room-aggregate contributions of the exchange by outcome: merged (another instance's), superseded (counted already), merged_early (before this instance's clock reached theirs), adopted (a dead or stopped owner's open tick, taken over).");
        Meter.CreateObservableGauge(InstrumentNames.ExchangeHeld, () => sources.Exchange.Held, "{contribution}", "Other instances' contributions waiting for this instance's clock.");
        _freshness = Seconds(InstrumentNames.DeltaFreshness, "Wall time from a batch's arrival to the broker's acknowledgement of a delta it caused, per delta.");
        _roomStop = Seconds(InstrumentNames.RoomStopLatency, "Wall time from a room_stop's arrival to the acknowledgement of its holders' deltas.");
        _scoring = Seconds(InstrumentNames.ScoringDuration, "Wall time of one scorer call (one per tick).");
        _steps = Seconds(InstrumentNames.StepDuration, "Wall time of one step on one batch.");
        Meter.CreateObservableCounter(InstrumentNames.OnlineCases, () => Online(static o => o.Cases), "{case}", "Room entries judged by the online evaluation.");
        Meter.CreateObservableGauge(InstrumentNames.OnlineHitRatio, () => Online(static o => o.HitRatios), "1", "Sliding-window hit ratio of room entries, by ranker, k and segment.");
        Meter.CreateObservableGauge(InstrumentNames.OnlineNdcg, () => Online(static o => o.Ndcg), "1", "Sliding-window NDCG@10 of room entries, by ranker.");
        metrics.Instrumentation = this;
    }

    public Meter Meter { get; }

    private IEnumerable<Measurement<long>> ExchangeContributions()
    {
        var (merged, superseded, early, adopted, _) = _sources.Exchange;
        yield return new Measurement<long>(merged, new KeyValuePair<string, object?>("outcome", "merged"));
        yield return new Measurement<long>(superseded, new KeyValuePair<string, object?>("outcome", "superseded"));
        yield return new Measurement<long>(early, new KeyValuePair<string, object?>("outcome", "merged_early"));
        yield return new Measurement<long>(adopted, new KeyValuePair<string, object?>("outcome", "adopted"));
    }

    /// <summary>Counts a batch's valid events by kind: one add per kind present, nothing per event.</summary>
    public void RecordEvents(ReadOnlySpan<long> countsByKind)
    {
        for (var kind = 0; kind < countsByKind.Length && kind < KindTags.Length; kind++)
        {
            if (countsByKind[kind] > 0)
            {
                _events.Add(countsByKind[kind], KindTags[kind]);
            }
        }
    }

    /// <summary>A batch's deltas were acknowledged <paramref name="elapsed"/> after it arrived: one value per delta.</summary>
    public void RecordFreshness(TimeSpan elapsed, int deltas)
    {
        var seconds = elapsed.TotalSeconds;
        for (var i = 0; i < deltas; i++)
        {
            _freshness.Record(seconds);
        }
    }

    public void RecordRoomStop(TimeSpan elapsed) => _roomStop.Record(elapsed.TotalSeconds);

    public void RecordStep(string step, long stopwatchTicks) =>
        _steps.Record(Stopwatch.GetElapsedTime(0, stopwatchTicks).TotalSeconds, new KeyValuePair<string, object?>("step", step));

    internal void RecordScoring(long stopwatchTicks) => _scoring.Record(Stopwatch.GetElapsedTime(0, stopwatchTicks).TotalSeconds);

    public void Dispose()
    {
        if (ReferenceEquals(_metrics.Instrumentation, this))
        {
            _metrics.Instrumentation = null;
        }

        Meter.Dispose();
    }

    private Histogram<double> Seconds(string name, string description) =>
        Meter.CreateHistogram(name, "s", description, tags: null, new InstrumentAdvice<double> { HistogramBucketBoundaries = SecondsBuckets });

    private IEnumerable<Measurement<long>> DeadLetters() =>
        _metrics.DeadLettersByReason.Select(static entry => new Measurement<long>(entry.Value, new KeyValuePair<string, object?>("reason", entry.Key)));

    private IEnumerable<Measurement<long>> Lag()
    {
        foreach (var (partition, lag) in _sources.ConsumerLag())
        {
            // Keys are "topic[partition]", as the metrics topic has always published them.
            var open = partition.LastIndexOf('[');
            var tags = open > 0 && partition.EndsWith(']')
                ? new[] { new KeyValuePair<string, object?>("topic", partition[..open]), new KeyValuePair<string, object?>("partition", partition[(open + 1)..^1]) }
                : [new KeyValuePair<string, object?>("topic", partition)];
            yield return new Measurement<long>(lag, tags);
        }
    }

    private IEnumerable<Measurement<int>> ModelInfo()
    {
        if (_sources.ModelVersion() is { } version)
        {
            yield return new Measurement<int>(1, new KeyValuePair<string, object?>("version", version));
        }
    }

    private IEnumerable<Measurement<T>> Online<T>(Func<IOnlineEvaluationSource, IEnumerable<Measurement<T>>> read)
        where T : struct =>
        _sources.OnlineEvaluation is { } online ? read(online) : [];

    private long Online(Func<IOnlineEvaluationSource, long> read) => _sources.OnlineEvaluation is { } online ? read(online) : 0;
}

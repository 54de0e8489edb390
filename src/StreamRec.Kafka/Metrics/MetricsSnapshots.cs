using StreamRec.Kafka.Hosting;
using StreamRec.Pipeline.Metrics;

namespace StreamRec.Kafka.Metrics;

/// <summary>
/// Builds <see cref="MetricsSnapshot"/>s from the instruments (through the <see cref="MetricsCollector"/>), each
/// histogram's window covering the time since this builder's previous snapshot; every reader (the metrics topic,
/// each dashboard) keeps a builder of its own, so none resets another's window.
/// </summary>
public sealed class MetricsSnapshots(string instanceId, PipelineObservability observability)
{
    private readonly Lock _lock = new();
    private IReadOnlyDictionary<(string Name, string Tags), HistogramReading> _previous = new Dictionary<(string, string), HistogramReading>();
    private long _previousAt = long.MinValue;

    public MetricsSnapshot Next(DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observability);
        var reading = observability.Collector.Collect();
        var metrics = observability.Metrics;
        lock (_lock)
        {
            var at = now.ToUnixTimeMilliseconds();
            var snapshot = new MetricsSnapshot
            {
                InstanceId = instanceId,
                At = at,
                RecordsIn = metrics.RecordsIn,
                Valid = metrics.Valid,
                DeadLettered = metrics.DeadLettered,
                DeadLetteredByReason = new SortedDictionary<string, long>(metrics.DeadLettersByReason, StringComparer.Ordinal),
                Reranks = metrics.Reranks,
                ScoredRows = metrics.ScoredRows,
                DeltasOut = metrics.DeltasOut,
                EventTime = metrics.EventTime,
                ConsumerLag = new SortedDictionary<string, long>(observability.Sources.ConsumerLag().ToDictionary(), StringComparer.Ordinal),
                EventsByKind = new SortedDictionary<string, long>(reading.CountersOf(InstrumentNames.EventsReceived).ToDictionary(), StringComparer.Ordinal),
                ActiveUsers = (long)(reading.Gauge(InstrumentNames.UsersActive) ?? 0),
                LiveRooms = (long)(reading.Gauge(InstrumentNames.RoomsLive) ?? 0),
                ModelVersion = reading.GaugesOf(InstrumentNames.ModelInfo).Keys.FirstOrDefault(),
                ModelSwaps = reading.Counter(InstrumentNames.ModelSwaps),
                WindowMs = _previousAt == long.MinValue ? 0 : at - _previousAt,
                Histograms = new SortedDictionary<string, HistogramWindow>(
                    new[] { InstrumentNames.DeltaFreshness, InstrumentNames.RoomStopLatency, InstrumentNames.ScoringDuration }
                        .ToDictionary(name => name, name => Window(reading, name, string.Empty)), StringComparer.Ordinal),
                StepDurations = new SortedDictionary<string, HistogramWindow>(
                    PipelineStep.All.ToDictionary(step => step, step => Window(reading, InstrumentNames.StepDuration, step)), StringComparer.Ordinal),
                OnlineEvaluation = observability.Online?.Read(),
            };
            _previous = reading.Histograms;
            _previousAt = at;
            return snapshot;
        }
    }

    private HistogramWindow Window(MetricsReading reading, string name, string tags)
    {
        var total = reading.Histograms.GetValueOrDefault((name, tags)) ?? HistogramReading.Empty;
        var before = _previous.GetValueOrDefault((name, tags)) ?? HistogramReading.Empty;
        return new HistogramWindow(HistogramSummary.Of(total.Since(before)), HistogramSummary.Of(total));
    }
}

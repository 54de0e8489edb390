using System.Diagnostics;
using StreamRec.Contracts.Events;
using StreamRec.Pipeline;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Online;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Queries;
using StreamRec.Pipeline.State;

namespace StreamRec.Kafka.Hosting;

/// <summary>
/// Everything that watches one <see cref="KafkaPipelineJob"/>: its counters and instruments, the collector the
/// snapshots read, readiness, the online evaluation, the user queries and the newest deltas. Created before the
/// job runs, so an HTTP host can serve health and metrics from the start; the job attaches its state when it has
/// some. The per-batch work here runs on the stream's thread, once per batch, and allocates nothing per event.
/// </summary>
public sealed class PipelineObservability : IDisposable
{
    private readonly OnlineEvaluationOptions? _online;
    private readonly System.Collections.Concurrent.ConcurrentQueue<InFlight> _inFlight = new();
    private readonly long[] _kinds = new long[Enum.GetValues<EventKind>().Length];
    private OnlineEvaluation? _evaluation;
    private UserQueries? _queries;
    private PipelineState? _state;

    /// <summary>The state the job attached, or null before it started.</summary>
    internal PipelineState? State => Volatile.Read(ref _state);

    /// <summary>Raised on the stream's thread after each batch the core processed, with the state as it then stands.</summary>
    internal event Action<PipelineState>? BatchProcessed;

    /// <param name="online">Settings of the online evaluation, or null to leave it off.</param>
    /// <param name="modelVersion">Version of the model scoring now (null for the baseline).</param>
    public PipelineObservability(OnlineEvaluationOptions? online = null, Func<string?>? modelVersion = null)
    {
        _online = online?.Validate();
        Sources = new InstrumentationSources
        {
            ConsumerLag = () => ConsumerLag(),
            InputSkipped = () => SkippedByRetention(),
            ModelVersion = modelVersion ?? (static () => null),
            OnlineEvaluation = new OnlineSource(this),
        };
        Instrumentation = new StreamRecInstrumentation(Metrics, Sources);
        Collector = new MetricsCollector(Instrumentation);
    }

    public PipelineMetrics Metrics { get; } = new();

    public InstrumentationSources Sources { get; }

    public StreamRecInstrumentation Instrumentation { get; }

    public MetricsCollector Collector { get; }

    public PipelineReadiness Readiness { get; } = new();

    public RecentDeltas RecentDeltas { get; } = new();

    /// <summary>The online evaluation once the job runs (and when it is on).</summary>
    public OnlineEvaluation? Online => Volatile.Read(ref _evaluation);

    /// <summary>The user queries once the job runs.</summary>
    public UserQueries? Queries => Volatile.Read(ref _queries);

    /// <summary>Where <see cref="InstrumentationSources.ConsumerLag"/> reads from (the source's control).</summary>
    internal Func<IReadOnlyDictionary<string, long>> ConsumerLag { get; set; } = static () => new Dictionary<string, long>();

    /// <summary>Where <see cref="InstrumentationSources.InputSkipped"/> reads from (the source's control).</summary>
    internal Func<long> SkippedByRetention { get; set; } = static () => 0;

    /// <summary>The hooks the job passes to the pipeline: the online evaluation and the user queries over its state.</summary>
    internal PipelineHooks Attach(PipelineOptions options, PipelineState state)
    {
        _state = state;
        Volatile.Write(ref _queries, new UserQueries(options, state, Metrics));
        if (_online is not null)
        {
            Volatile.Write(ref _evaluation, new OnlineEvaluation(_online, options, state));
        }

        return new PipelineHooks(_evaluation, _queries);
    }

    /// <summary>The raw batch leaves the source: its arrival.</summary>
    internal static StreamRec.Pipeline.Input.RawRecordBatch Arrived(StreamRec.Pipeline.Input.RawRecordBatch raw)
    {
        raw.ArrivedAt = Stopwatch.GetTimestamp();
        return raw;
    }

    /// <summary>After the core, before producing: per-kind counts, held lists, newest deltas, gauges.</summary>
    internal EventBatch Processed(EventBatch batch)
    {
        Array.Clear(_kinds);
        foreach (var e in batch.Events)
        {
            _kinds[(int)e.Kind]++;
        }

        Instrumentation.RecordEvents(_kinds);
        if (batch.Deltas.Count > 0)
        {
            _evaluation?.ObserveDeltas(batch.Deltas);
            RecentDeltas.Add(batch.Deltas);
        }

        if (batch.ClosesTick && _state is { } state)
        {
            // After a tick's commit every partition's working set is written back, so counting is a store count.
            Sources.ActiveUsers = state.UserCount;
            Sources.LiveRooms = state.Rooms.LiveRooms.Count;
            var exchange = state.Exchange;
            Sources.Exchange = (exchange.Merged, exchange.Superseded, exchange.MergedEarly, exchange.Adopted, exchange.Held);
        }

        if (_state is { } processed)
        {
            BatchProcessed?.Invoke(processed);
        }

        if (!Readiness.StateRestored)
        {
            // In-memory state: restored as soon as processing starts (the seam durable state hooks into).
            Readiness.MarkStateRestored();
        }

        _inFlight.Enqueue(new InFlight(batch.ArrivedAt, Stopwatch.GetTimestamp(), batch.Deltas.Count, batch.StoppedRooms.Count > 0));
        return batch;
    }

    /// <summary>The broker acknowledged the next batch (batches are acknowledged in order, one for one).</summary>
    internal void Acknowledged()
    {
        if (!_inFlight.TryDequeue(out var batch))
        {
            return;
        }

        var now = Stopwatch.GetTimestamp();
        Metrics.AddStepTime(PipelineStep.Produce, now - batch.HandedAt);
        if (batch.ArrivedAt != 0 && batch.Deltas > 0)
        {
            var elapsed = Stopwatch.GetElapsedTime(batch.ArrivedAt, now);
            Instrumentation.RecordFreshness(elapsed, batch.Deltas);
            if (batch.HasStop)
            {
                Instrumentation.RecordRoomStop(elapsed);
            }
        }
    }

    public void Dispose()
    {
        Collector.Dispose();
        Instrumentation.Dispose();
    }

    private readonly record struct InFlight(long ArrivedAt, long HandedAt, int Deltas, bool HasStop);

    /// <summary>Reads whichever evaluation is attached, so the instruments exist before the job runs.</summary>
    private sealed class OnlineSource(PipelineObservability owner) : IOnlineEvaluationSource
    {
        public long Cases => owner.Online?.Cases ?? 0;

        public IEnumerable<System.Diagnostics.Metrics.Measurement<double>> HitRatios => owner.Online?.HitRatios ?? [];

        public IEnumerable<System.Diagnostics.Metrics.Measurement<double>> Ndcg => owner.Online?.Ndcg ?? [];
    }
}

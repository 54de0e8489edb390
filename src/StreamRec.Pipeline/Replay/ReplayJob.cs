using System.Diagnostics;
using System.Text.Json;
using Akka.Streams;
using Akka.Streams.Dsl;
using Akka.Util;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Hosting;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Output;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Replay;

/// <summary>
/// Runs the pipeline over a JSON-lines event log as fast as it goes, writing deltas (and dead letters)
/// as JSON lines. Deterministic: the same log and options give byte-identical output.
/// </summary>
public sealed class ReplayJob(ReplayOptions replay, PipelineOptions options, IScorer scorer, TimeProvider time)
{
    private readonly PipelineMetrics _metrics = new();
    private JsonLinesReader? _reader;

    public PipelineMetrics Metrics => _metrics;

    /// <summary>Where the replay is; safe to call from any thread while it runs.</summary>
    public ReplayProgress Progress
    {
        get
        {
            var reader = Volatile.Read(ref _reader);
            return new(reader?.Position ?? 0, reader?.Length ?? 0, _metrics.RecordsIn, _metrics.DeltasOut, _metrics.DeadLettered);
        }
    }

    public async ValueTask<ReplaySummary> RunAsync(CancellationToken cancellationToken)
    {
        replay.Validate();
        options.Validate();
        var heapBefore = replay.MeasureState ? GC.GetTotalMemory(forceFullCollection: true) : 0;
        var state = PipelineState.InMemory(options);
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var stopwatch = Stopwatch.StartNew();
        using var system = StreamActorSystem.Create("streamrec-replay");
        var (deltasWriter, deadLettersWriter) = OpenOutputs();
        using var deltas = deltasWriter;
        using var deadLetters = deadLettersWriter;

        var source = Source.UnfoldResource<RawRecordBatch, JsonLinesReader>(
            OpenReader,
            reader => reader.ReadBatch(options.BatchSize) is { } batch ? Option<RawRecordBatch>.Create(batch) : Option<RawRecordBatch>.None,
            reader => reader.Dispose());

        var (killSwitch, done) = source
            .ViaMaterialized(KillSwitches.Single<RawRecordBatch>(), Keep.Right)
            .Via(RecommendationPipeline.Create(options, state, scorer, _metrics, time))
            .ToMaterialized(Sink.ForEach<EventBatch>(batch => Write(batch, deltas, deadLetters)), Keep.Both)
            .Run(system.Materializer());

        // Cancelling ends the input early but still lets the pipeline flush what it has.
        await using (cancellationToken.Register(killSwitch.Shutdown))
        {
            await done.ConfigureAwait(false);
        }

        var elapsed = stopwatch.Elapsed;
        var summary = new ReplaySummary(
            _metrics.RecordsIn, _metrics.Valid, _metrics.DeadLettered, _metrics.DeltasOut,
            state.UserCount, state.Rooms.RoomCount, (long)elapsed.TotalMilliseconds,
            (long)(_metrics.RecordsIn / Math.Max(elapsed.TotalSeconds, 1e-6)),
            options.Partitions, _metrics.Reranks, _metrics.ScoredRows, _metrics.Promotions,
            PeakRss(), GC.GetTotalAllocatedBytes(precise: false) - allocated,
            _metrics.ModelRows, _metrics.ModelCalls, (long)_metrics.ScoringTime.TotalMilliseconds);
        if (!replay.MeasureState)
        {
            return summary;
        }

        // The actor system is not state: shut it down so it is not counted (disposing again later is a no-op).
        system.Dispose();
        return Measure(summary, state, heapBefore);
    }

    /// <summary>
    /// The state's size as the process sees it: managed heap after a full collection with the state alive, less
    /// the heap before it existed; then again without the user stores' contents.
    /// </summary>
    private static ReplaySummary Measure(ReplaySummary summary, PipelineState state, long heapBefore)
    {
        var withState = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var partition in state.Partitions)
        {
            partition.Users.Store.Dispose();
        }

        var withoutStores = GC.GetTotalMemory(forceFullCollection: true);
        GC.KeepAlive(state);
        return summary with { StateBytes = withState - heapBefore, StoreBytes = withState - withoutStores };
    }

    /// <summary>Peak resident set of the process so far (VmHWM on Linux).</summary>
    private static long PeakRss()
    {
        using var process = Process.GetCurrentProcess();
        return process.PeakWorkingSet64;
    }

    /// <summary>
    /// Opens both outputs before anything runs. When the second cannot be opened, the first is removed again if
    /// this replay created it, so a failed start leaves no empty file behind; the error names the file at fault.
    /// </summary>
    /// <exception cref="IOException">An output cannot be written; the message names it.</exception>
    private (JsonLinesWriter<Contracts.Outputs.RecommendationDelta> Deltas, JsonLinesWriter<Contracts.Outputs.DeadLetter>? DeadLetters) OpenOutputs()
    {
        var outputExisted = File.Exists(replay.Output);
        var deltas = Open(replay.Output, "--out", ContractJson.Default.RecommendationDelta);
        try
        {
            return (deltas, replay.DeadLetters is null ? null : Open(replay.DeadLetters, "--dlq", ContractJson.Default.DeadLetter));
        }
        catch
        {
            deltas.Dispose();
            if (!outputExisted)
            {
                File.Delete(replay.Output);
            }

            throw;
        }

        static JsonLinesWriter<T> Open<T>(string path, string role, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        {
            try
            {
                return new JsonLinesWriter<T>(path, type);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot write {role} '{path}': {ex.Message}", ex);
            }
        }
    }

    private JsonLinesReader OpenReader()
    {
        var reader = new JsonLinesReader(replay.Input, options.MaxEventBytes);
        Volatile.Write(ref _reader, reader);
        return reader;
    }

    private static void Write(
        EventBatch batch,
        JsonLinesWriter<Contracts.Outputs.RecommendationDelta> deltas,
        JsonLinesWriter<Contracts.Outputs.DeadLetter>? deadLetters)
    {
        foreach (var delta in batch.Deltas)
        {
            deltas.Write(delta);
        }

        if (deadLetters is not null)
        {
            foreach (var letter in batch.DeadLetters)
            {
                deadLetters.Write(letter);
            }
        }
    }
}

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
/// <param name="replay">What to read and where to write.</param>
/// <param name="options">Pipeline settings.</param>
/// <param name="scorer">Scores candidate rooms.</param>
/// <param name="time">Wall clock (progress, checkpoint intervals, plausible event times).</param>
/// <param name="stateDirectory">
/// Where the state is kept, or null to keep it in memory. A replay killed part way resumes from the directory's
/// last checkpoint and still writes exactly the output of an uninterrupted run; the caller owns the directory.
/// </param>
public sealed class ReplayJob(ReplayOptions replay, PipelineOptions options, IScorer scorer, TimeProvider time, IStateDirectory? stateDirectory = null)
{
    private readonly PipelineMetrics _metrics = new();
    private readonly TaskCompletionSource<Durability.StateCheckpointer?> _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private JsonLinesReader? _reader;

    /// <summary>Completes once the state is open: with its checkpoints (what was restored), or null for state in memory.</summary>
    public Task<Durability.StateCheckpointer?> Opened => _opened.Task;

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
        PipelineState state;
        try
        {
            state = stateDirectory is null ? PipelineState.InMemory(options) : PipelineState.Open(options, stateDirectory, time);
        }
        catch (Exception ex)
        {
            _opened.TrySetException(ex);
            throw;
        }

        var checkpoints = state.Checkpoints;
        _opened.TrySetResult(checkpoints);
        var resumeAt = ResumePosition(checkpoints);
        var allocated = GC.GetTotalAllocatedBytes(precise: false);
        var stopwatch = Stopwatch.StartNew();
        using var system = StreamActorSystem.Create("streamrec-replay");
        var (deltasWriter, deadLettersWriter) = OpenOutputs(checkpoints);
        using var deltas = deltasWriter;
        using var deadLetters = deadLettersWriter;
        if (checkpoints?.Outbox is { } outbox)
        {
            // What the last checkpoint had emitted but not seen written goes out first, as it went out before.
            Write(outbox, deltas, deadLetters, checkpoints);
        }

        if (checkpoints is { IsComplete: true })
        {
            return new ReplaySummary(0, 0, 0, 0, state.UserCount, state.Rooms.RoomCount, 0, 0, options.Partitions, 0, 0, 0, PeakRss(), 0, 0, 0, 0);
        }

        var source = Source.UnfoldResource<RawRecordBatch, JsonLinesReader>(
            () => OpenReader(resumeAt),
            reader => reader.ReadBatch(options.BatchSize) is { } batch ? Option<RawRecordBatch>.Create(batch) : Option<RawRecordBatch>.None,
            reader => reader.Dispose());

        var (killSwitch, done) = source
            .ViaMaterialized(KillSwitches.Single<RawRecordBatch>(), Keep.Right)
            .Via(RecommendationPipeline.Create(options, state, scorer, _metrics, time))
            .ToMaterialized(Sink.ForEach<EventBatch>(batch => Write(batch, deltas, deadLetters, checkpoints)), Keep.Both)
            .Run(system.Materializer());

        // Cancelling ends the input early but still lets the pipeline flush what it has.
        await using (cancellationToken.Register(killSwitch.Shutdown))
        {
            await done.ConfigureAwait(false);
        }

        if (checkpoints is not null && !cancellationToken.IsCancellationRequested && _reader is { } finished)
        {
            // Read to its end and written: the directory now holds the finished replay (a rerun writes nothing more).
            deltas.Flush();
            deadLetters?.Flush();
            checkpoints.Complete([finished.ResumePosition]);
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

    /// <summary>The line (and byte) a restored replay resumes after (line 0: from the start); refuses a directory of another input.</summary>
    private RecordOrigin ResumePosition(Durability.StateCheckpointer? checkpoints)
    {
        if (checkpoints is not { IsRestored: true })
        {
            return RecordOrigin.FileLine(Path.GetFileName(replay.Input), 0);
        }

        var name = Path.GetFileName(replay.Input);
        if (checkpoints.Positions is not [{ IsFile: true } position] || position.Source != name)
        {
            var stored = string.Join(", ", checkpoints.Positions);
            throw new InvalidDataException($"The state directory holds the replay of '{stored}', not of '{name}'. Use a new state directory for another input.");
        }

        return position;
    }

    /// <summary>
    /// Opens both outputs before anything runs. When the second cannot be opened, the first is removed again if
    /// this replay created it, so a failed start leaves no empty file behind; the error names the file at fault.
    /// </summary>
    /// <exception cref="IOException">An output cannot be written; the message names it.</exception>
    private (JsonLinesWriter<Contracts.Outputs.RecommendationDelta> Deltas, JsonLinesWriter<Contracts.Outputs.DeadLetter>? DeadLetters) OpenOutputs(Durability.StateCheckpointer? checkpoints)
    {
        var outputExisted = File.Exists(replay.Output);
        var deltas = Open(replay.Output, "--out", ContractJson.Default.RecommendationDelta, checkpoints?.DurableDeltas, checkpoints?.DurableDeltaBytes ?? -1, DeltaJson.Write);
        try
        {
            return (deltas, replay.DeadLetters is null ? null : Open(replay.DeadLetters, "--dlq", ContractJson.Default.DeadLetter, checkpoints?.DurableDeadLetters, checkpoints?.DurableDeadLetterBytes ?? -1));
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

        // A resumed replay continues its outputs after the lines its last checkpoint counted as written (at their offset when stored).
        static JsonLinesWriter<T> Open<T>(
            string path, string role, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, long? keepLines, long keepBytes, Action<System.Text.Json.Utf8JsonWriter, T>? write = null)
        {
            try
            {
                return keepLines is { } keep ? new JsonLinesWriter<T>(path, type, keep, keepBytes, write) : new JsonLinesWriter<T>(path, type, write);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new IOException($"Cannot write {role} '{path}': {ex.Message}", ex);
            }
        }
    }

    private JsonLinesReader OpenReader(RecordOrigin resumeAt)
    {
        var reader = new JsonLinesReader(replay.Input, options.MaxEventBytes);
        try
        {
            if (!reader.Resume(resumeAt))
            {
                throw new InvalidDataException($"'{replay.Input}' has fewer than the {resumeAt.Position} lines the state directory says were read; it was changed or replaced since.");
            }
        }
        catch
        {
            reader.Dispose();
            throw;
        }

        Volatile.Write(ref _reader, reader);
        return reader;
    }

    private static void Write(
        EventBatch batch,
        JsonLinesWriter<Contracts.Outputs.RecommendationDelta> deltas,
        JsonLinesWriter<Contracts.Outputs.DeadLetter>? deadLetters,
        Durability.StateCheckpointer? checkpoints)
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

        if (checkpoints is not null && batch.Checkpoint is { } checkpoint)
        {
            // Acknowledged outputs leave the outbox, so they must be in the files before the next checkpoint.
            deltas.Flush();
            deadLetters?.Flush();
            checkpoints.OutputsFlushedTo(deltas.Offset, deadLetters?.Offset ?? -1);
            checkpoint.Acknowledge();
        }
    }
}

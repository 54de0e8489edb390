using System.Collections.Concurrent;

namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// Counters of one pipeline instance. Written by stages, read concurrently by progress reporting and the
/// metrics publisher, hence the interlocked updates.
/// </summary>
public sealed class PipelineMetrics
{
    private long _recordsIn;
    private long _valid;
    private long _deadLettered;
    private long _reranks;
    private long _deltasOut;
    private long _scoredRows;
    private long _eventTime;
    private long _expiredUsers;
    private long _promotions;
    private long _modelRows;
    private long _modelCalls;
    private long _scoringTicks;

    public long RecordsIn => Interlocked.Read(ref _recordsIn);

    public long Valid => Interlocked.Read(ref _valid);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    public long Reranks => Interlocked.Read(ref _reranks);

    public long DeltasOut => Interlocked.Read(ref _deltasOut);

    public long ScoredRows => Interlocked.Read(ref _scoredRows);

    /// <summary>Rows the scorer itself scored (after any shortlist), and its calls.</summary>
    public long ModelRows => Interlocked.Read(ref _modelRows);

    public long ModelCalls => Interlocked.Read(ref _modelCalls);

    /// <summary>Wall time spent inside the scorer.</summary>
    public TimeSpan ScoringTime => TimeSpan.FromTicks(Interlocked.Read(ref _scoringTicks) * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency);

    /// <summary>Lists changed by a room_stop promotion, without re-scoring.</summary>
    public long Promotions => Interlocked.Read(ref _promotions);

    /// <summary>Newest event time applied (ms since epoch): the pipeline's position in event time.</summary>
    public long EventTime => Interlocked.Read(ref _eventTime);

    /// <summary>Dead letters per reason code.</summary>
    public ConcurrentDictionary<string, long> DeadLettersByReason { get; } = new(StringComparer.Ordinal);

    public void AddRecords(long records, long valid)
    {
        Interlocked.Add(ref _recordsIn, records);
        Interlocked.Add(ref _valid, valid);
    }

    public void AddDeadLetter(string reason)
    {
        Interlocked.Increment(ref _deadLettered);
        DeadLettersByReason.AddOrUpdate(reason, 1, static (_, n) => n + 1);
    }

    public void AddReranks(long users, long rows)
    {
        Interlocked.Add(ref _reranks, users);
        Interlocked.Add(ref _scoredRows, rows);
    }

    public void AddScoring(long rows, long stopwatchTicks)
    {
        Interlocked.Add(ref _modelRows, rows);
        Interlocked.Increment(ref _modelCalls);
        Interlocked.Add(ref _scoringTicks, stopwatchTicks);
        Instrumentation?.RecordScoring(stopwatchTicks);
    }

    /// <summary>Wall time of a step on one batch (see <see cref="PipelineStep"/>).</summary>
    public void AddStepTime(string step, long stopwatchTicks) => Instrumentation?.RecordStep(step, stopwatchTicks);

    /// <summary>Scorer time so far in <see cref="System.Diagnostics.Stopwatch"/> ticks, to subtract it from a step that includes it.</summary>
    public long ScoringTicks => Interlocked.Read(ref _scoringTicks);

    /// <summary>The instruments fed by these counters, once a <see cref="StreamRecInstrumentation"/> is attached.</summary>
    internal StreamRecInstrumentation? Instrumentation { get; set; }

    public void AddPromotions(long users) => Interlocked.Add(ref _promotions, users);

    /// <summary>Users expired for idleness (their state deleted, their list withdrawn).</summary>
    public long ExpiredUsers => Interlocked.Read(ref _expiredUsers);

    public void AddExpiredUsers(long users) => Interlocked.Add(ref _expiredUsers, users);

    public void AddDeltas(long deltas) => Interlocked.Add(ref _deltasOut, deltas);

    public void AdvanceEventTime(long ts) => Interlocked.Exchange(ref _eventTime, ts);
}

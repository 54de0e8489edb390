using System.Collections.Immutable;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Outage;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// The one owner of an <see cref="IConsumer{TKey, TValue}"/>: a dedicated thread that polls, fills the
/// partition buffers, pauses a partition whose buffer is full and resumes it once drained (polling never
/// stops, so group heartbeats and rebalances carry on), commits acknowledged offsets, and finally commits,
/// closes and disposes the consumer. Either a group member over the user topics, or a global reader that
/// assigns itself every partition of the rooms topic from the beginning and never commits.
/// </summary>
internal sealed class ConsumerOwner : IOffsetAcknowledger
{
    private static readonly TimeSpan PausedPollTimeout = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan LagInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan AssignmentWaitNotice = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan RepeatedLogInterval = TimeSpan.FromSeconds(30);
    private const int MaxRecordsPerWake = 10_000;

    private readonly Dictionary<TopicPartition, long> _startOffsets;

    // Stored offsets a partition was resumed at, until its first record shows whether retention deleted past them.
    private readonly Dictionary<TopicPartition, long> _resumedAt = [];

    // With a changelog: where processing of each revoked partition stood, should the next assignment keep it here.
    private readonly Dictionary<TopicPartition, long> _processedUpTo = [];
    private readonly ChangelogAssignments? _changelog;
    private readonly string _name;
    private readonly ConsumerConfig _config;
    private readonly IReadOnlyList<string> _topics;
    private readonly bool _global;
    private readonly int _orderBase;
    private readonly KafkaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly BrokerOutageMonitor _outage;
    private readonly LogThrottle _throttle;
    private readonly Lock _ackLock = new();
    private readonly Dictionary<TopicPartition, long> _acked = [];
    private readonly Dictionary<TopicPartition, long> _committed = [];
    private readonly Dictionary<TopicPartition, long> _fetched = [];
    private readonly Dictionary<TopicPartition, long> _firstFetched = [];
    private readonly Dictionary<TopicPartition, PartitionBuffer> _byPartition = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<IReadOnlyList<TopicPartition>> _firstAssignment = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstPause = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile IReadOnlyList<PartitionBuffer> _inputs = [];
    private volatile IReadOnlyDictionary<string, long> _lag = ImmutableDictionary<string, long>.Empty;
    private volatile bool _ready;
    private volatile bool _stopping;
    private volatile Exception? _failure;
    private Error? _fatal;
    private Action _wake = static () => { };
    private int _started;
    private DateTimeOffset? _waitingSince;
    private long _skippedByRetention;
    private IAdminClient? _admin;

    public ConsumerOwner(
        string name, ConsumerConfig config, IReadOnlyList<string> topics, bool global, int orderBase, KafkaOptions options, TimeProvider time, ILogger logger,
        BrokerOutageMonitor outage, IReadOnlyDictionary<TopicPartition, long>? startOffsets = null, ChangelogAssignments? changelog = null)
    {
        _changelog = changelog;
        _startOffsets = startOffsets is null ? [] : new Dictionary<TopicPartition, long>(startOffsets);
        _name = name;
        _config = config;
        _topics = topics;
        _global = global;
        _orderBase = orderBase;
        _options = options;
        _time = time;
        _logger = logger;
        _outage = outage;
        _throttle = new LogThrottle(RepeatedLogInterval, time);
    }

    /// <summary>The assigned partitions' buffers in tie-break order; replaced, never mutated, on rebalance.</summary>
    public IReadOnlyList<PartitionBuffer> Inputs => _inputs;

    /// <summary>Has an assignment (possibly empty) and is not in the middle of a rebalance.</summary>
    public bool IsReady => _ready;

    /// <summary>Set when the polling thread died; the source fails with it.</summary>
    public Exception? Failure => _failure;

    /// <summary>Records not yet processed per partition (<c>topic[partition]</c>), from the last fetched high watermark.</summary>
    public IReadOnlyDictionary<string, long> Lag => _lag;

    /// <summary>The first assignment; faulted when the consumer fails or closes before it, so no one waits for it in vain.</summary>
    public Task<IReadOnlyList<TopicPartition>> FirstAssignment => _firstAssignment.Task;

    /// <summary>
    /// Records between a stored position and the start of the broker's log when the partition was resumed: deleted
    /// by retention while this instance was away, so never processed; and deltas a restore's seq fence could not read.
    /// </summary>
    public long SkippedByRetention => Interlocked.Read(ref _skippedByRetention) + (_changelog?.FenceSkippedByRetention ?? 0);

    /// <summary>
    /// Records taken off the broker whose output is not acknowledged yet, over the owned partitions: what the
    /// process holds on behalf of its input (in buffers, in the stream, or as undelivered output).
    /// </summary>
    public long Unacknowledged
    {
        get
        {
            lock (_ackLock)
            {
                long total = 0;
                foreach (var (partition, fetched) in _fetched)
                {
                    total += fetched - (_acked.TryGetValue(partition, out var acked) ? acked : _firstFetched.GetValueOrDefault(partition, fetched));
                }

                return total;
            }
        }
    }

    /// <summary>True while a partition that moved here is being restored from the changelog.</summary>
    public bool Restoring => _changelog?.Restoring ?? false;

    /// <summary>Changelog records read by restores (0 without a changelog).</summary>
    public long RestoredRecords => _changelog?.RestoredRecords ?? 0;

    /// <summary>The topics this consumer reads.</summary>
    public IReadOnlyList<string> Topics => _topics;

    /// <summary>Wall time the restores spent reading the changelog.</summary>
    public TimeSpan RestoreTime => _changelog?.RestoreTime ?? TimeSpan.Zero;

    /// <summary>Restores that read only the changelog's tail, on top of the local store.</summary>
    public long IncrementalRestores => _changelog?.IncrementalRestores ?? 0;

    /// <summary>The next rebalance's changes to the state, to be sent ahead of any record (null: none, or no changelog).</summary>
    public Pipeline.Durability.PartitionHandover? TakeHandover() => _changelog?.TakeHandover();

    /// <summary>Completes when backpressure first paused a partition.</summary>
    public Task FirstPause => _firstPause.Task;

    /// <summary>Completes when the consumer has been closed and disposed.</summary>
    public Task Completion => _completion.Task;

    public void Start(Action wake)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"Consumer '{_name}' was already started; a Kafka source can be materialized once.");
        }

        _wake = wake;
        new Thread(Run) { IsBackground = true, Name = $"streamrec-{_name}" }.Start();
    }

    /// <summary>Asks the polling thread to commit what was acknowledged, close and dispose the consumer.</summary>
    public Task StopAsync()
    {
        _stopping = true;
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _completion.TrySetResult();
        }

        return _completion.Task;
    }

    public void Acknowledge(KafkaCheckpoint checkpoint)
    {
        lock (_ackLock)
        {
            foreach (var (partition, next) in checkpoint.NextOffsets)
            {
                if (!_acked.TryGetValue(partition, out var current) || current < next)
                {
                    _acked[partition] = next;
                }
            }
        }
    }

    private void Run()
    {
        IConsumer<byte[]?, byte[]?>? consumer = null;
        try
        {
            consumer = Build();
            if (_global)
            {
                AssignAll(consumer);
            }
            else
            {
                _waitingSince = _time.GetUtcNow();
                consumer.Subscribe(_topics);
            }

            var nextCommit = _time.GetUtcNow() + _options.CommitInterval;
            var nextLag = _time.GetUtcNow();
            var nextProbe = _time.GetUtcNow();
            while (!_stopping)
            {
                if (_fatal is { } fatal)
                {
                    throw new KafkaException(fatal);
                }

                var anyPaused = AdjustPauses(consumer);
                if (Poll(consumer, anyPaused ? PausedPollTimeout : _options.PollTimeout) > 0)
                {
                    _wake();
                }

                var now = _time.GetUtcNow();
                if (_outage.IsDown)
                {
                    // Nothing arrives during an outage, and at a partition's end nothing would anyway: ask a broker.
                    if (now >= nextProbe)
                    {
                        Probe(consumer);
                        nextProbe = now + ProbeInterval;
                    }

                    // A commit now would block this thread until the coordinator is back; the next one carries it.
                    continue;
                }

                if (now >= nextCommit)
                {
                    Commit(consumer, only: null);
                    nextCommit = now + _options.CommitInterval;
                }

                if (now >= nextLag)
                {
                    UpdateLag(consumer);
                    nextLag = now + LagInterval;
                    NoticeWaitForAssignment(now);
                }
            }

            var committed = _outage.IsDown ? "nothing (brokers unreachable)" : Commit(consumer, only: null);
            UpdateLag(consumer);
            Close(consumer);
            Log.Closed(_logger, _name, committed);
            _firstAssignment.TrySetException(new InvalidOperationException($"{_name}: closed before any partition was assigned"));
            _completion.TrySetResult();
        }
        catch (Exception ex)
        {
            // Leave the group even so: a member that is only disposed keeps its partitions until its session times out.
            if (consumer is not null)
            {
                Close(consumer);
            }

            // Surfaced to the stream, which fails with it; the job then reports it.
            _failure = ex;
            _firstAssignment.TrySetException(ex);
            _completion.TrySetException(ex);
            _wake();
        }
        finally
        {
            _admin?.Dispose();
            consumer?.Dispose();
        }
    }

    private void Close(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            consumer.Close();
        }
        catch (Exception ex) when (ex is KafkaException or ObjectDisposedException or InvalidOperationException)
        {
            Log.CloseFailed(_logger, _name, ex.Message);
        }
    }

    /// <summary>A cheap round trip to any broker; an answer ends the outage.</summary>
    private void Probe(IConsumer<byte[]?, byte[]?> consumer)
    {
        try
        {
            _admin ??= new DependentAdminClientBuilder(consumer.Handle).Build();
            var metadata = _admin.GetMetadata(_topics[0], ProbeTimeout);
            if (metadata.Brokers.Count > 0)
            {
                _outage.ReportUp();
                Log.BrokersBack(_logger, _name);
            }
        }
        catch (KafkaException)
        {
            // Still unreachable: the monitor's clock keeps running.
        }
    }

    /// <summary>Says, once in a while, why no partitions have arrived: a silent wait looks like a hang.</summary>
    private void NoticeWaitForAssignment(DateTimeOffset now)
    {
        if (_global || _waitingSince is not { } since || now - since < AssignmentWaitNotice || !_throttle.ShouldLog("assignment", out _))
        {
            return;
        }

        var session = _config.SessionTimeoutMs ?? 45_000;
        Log.WaitingForAssignment(_logger, _name, (long)(now - since).TotalSeconds, _config.GroupId, session);
    }

    private IConsumer<byte[]?, byte[]?> Build() =>
        new ConsumerBuilder<byte[]?, byte[]?>(_config)
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    _fatal ??= error;
                    Log.FatalError(_logger, _name, error.Reason, error.Code);
                    return;
                }

                if (error.Code == ErrorCode.Local_AllBrokersDown)
                {
                    _outage.ReportDown(_name, error.Reason);
                }

                Log.ClientError(_logger, _throttle, _name, error);
            })
            .SetLogHandler((_, message) => Log.Librdkafka(_logger, _throttle, _name, message))
            .SetPartitionsAssignedHandler((consumer, partitions) =>
            {
                // First, so that a restore is queued before any record of its partition can be buffered.
                var restored = _changelog?.OnAssigned(consumer, partitions) ?? [];
                var offsets = partitions.Select(p => new TopicPartitionOffset(p, StartOf(p, restored))).ToList();
                _processedUpTo.Clear();
                OnAssigned(partitions, offsets);
                return offsets;
            })
            .SetPartitionsRevokedHandler((consumer, partitions) => OnRevoked(consumer, partitions.Select(p => p.TopicPartition).ToList(), lost: false))
            .SetPartitionsLostHandler((consumer, partitions) => OnRevoked(consumer, partitions.Select(p => p.TopicPartition).ToList(), lost: true))
            .Build();

    private int Poll(IConsumer<byte[]?, byte[]?> consumer, TimeSpan timeout)
    {
        var received = 0;
        try
        {
            var result = consumer.Consume(timeout);
            while (result is not null)
            {
                // A partition that reached its buffer bound is paused before anything more is taken: one wake would
                // otherwise take up to MaxRecordsPerWake records of it, far past the bound (10,000 held at a bound of 20).
                received++;
                if (Handle(consumer, result) || received == MaxRecordsPerWake)
                {
                    break;
                }

                result = consumer.Consume(TimeSpan.Zero);
            }
        }
        catch (ConsumeException ex) when (!ex.Error.IsFatal)
        {
            // For example a subscribed topic that does not exist yet: the consumer goes on and picks it up later.
            Log.ClientError(_logger, _throttle, _name, ex.Error);
        }

        if (received > 0)
        {
            _outage.ReportUp();
        }

        return received;
    }

    /// <summary>Buffers one consumed record; true when its partition's buffer is now at its bound.</summary>
    private bool Handle(IConsumer<byte[]?, byte[]?> consumer, ConsumeResult<byte[]?, byte[]?> result)
    {
        if (!_byPartition.TryGetValue(result.TopicPartition, out var buffer))
        {
            return false;
        }

        if (_resumedAt.Remove(result.TopicPartition, out var stored) && result.Offset.Value > stored)
        {
            CheckRetention(consumer, result.TopicPartition, stored, result.Offset.Value);
        }

        if (result.IsPartitionEOF)
        {
            buffer.MarkAtEnd();
            return false;
        }

        // The producer stamps each message with its event time, so this orders the merge without parsing JSON.
        var timestamp = result.Message.Timestamp.Type == TimestampType.NotAvailable ? 0 : result.Message.Timestamp.UnixTimestampMs;
        if (!_global)
        {
            lock (_ackLock)
            {
                _firstFetched.TryAdd(result.TopicPartition, result.Offset.Value);
                _fetched[result.TopicPartition] = result.Offset.Value + 1;
            }
        }

        buffer.Add(new BufferedRecord(result.Message.Value, timestamp, result.Offset.Value, result.Message.Key));
        return buffer.Count >= _options.MaxBufferedRecordsPerPartition;
    }

    /// <summary>
    /// Durable state names where each partition's processing stood at start-up (once: a partition that comes back in
    /// a later rebalance resumes from the offsets committed since). With a changelog, a partition restored from it
    /// starts where the restored state's last checkpoint stood (its marker's positions), or at the committed offsets
    /// when the changelog does not say; one kept through a rebalance where this instance's processing stood.
    /// </summary>
    private Offset StartOf(TopicPartition partition, Dictionary<int, IReadOnlyDictionary<string, long>?> restored)
    {
        if (restored.TryGetValue(partition.Partition.Value, out var resumeAt))
        {
            _startOffsets.Remove(partition);
            return resumeAt is not null && resumeAt.TryGetValue(partition.Topic, out var stored) ? ResumeAt(partition, stored) : Offset.Unset;
        }

        if (_startOffsets.Remove(partition, out var next))
        {
            return ResumeAt(partition, next);
        }

        return _processedUpTo.TryGetValue(partition, out var processed) ? new Offset(processed) : Offset.Unset;
    }

    private Offset ResumeAt(TopicPartition partition, long stored)
    {
        _resumedAt[partition] = stored;
        return new Offset(stored);
    }

    /// <summary>
    /// The first offset read lies past the stored one. Offsets have legitimate gaps (transaction markers,
    /// compaction), so only a log start past the stored offset counts as records lost to retention:
    /// auto.offset.reset moved the consumer to the earliest record without saying so.
    /// </summary>
    private void CheckRetention(IConsumer<byte[]?, byte[]?> consumer, TopicPartition partition, long stored, long first)
    {
        long logStart;
        try
        {
            logStart = consumer.QueryWatermarkOffsets(partition, MetadataTimeout).Low.Value;
        }
        catch (KafkaException ex)
        {
            Log.ClientError(_logger, _throttle, _name, ex.Error);
            return;
        }

        if (logStart > stored)
        {
            var skipped = Math.Min(logStart, first) - stored;
            Interlocked.Add(ref _skippedByRetention, skipped);
            Log.SkippedByRetention(_logger, _name, partition.ToString(), stored, logStart, skipped);
        }
    }

    private void AssignAll(IConsumer<byte[]?, byte[]?> consumer)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var partitions = new List<TopicPartition>();
        foreach (var topic in _topics)
        {
            var metadata = admin.GetMetadata(topic, MetadataTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
            if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
            {
                throw new InvalidOperationException(
                    $"Topic '{topic}' is not available ({metadata?.Error.Reason ?? "no metadata"}); create it before starting (streamrec broker creates every StreamRec topic).");
            }

            partitions.AddRange(metadata.Partitions.Select(p => new TopicPartition(topic, p.PartitionId)));
        }

        var offsets = partitions.Select(p => new TopicPartitionOffset(p, _startOffsets.TryGetValue(p, out var next) ? ResumeAt(p, next) : Offset.Beginning)).ToList();
        consumer.Assign(offsets);
        OnAssigned(partitions, offsets);
    }

    private void OnAssigned(List<TopicPartition> partitions, List<TopicPartitionOffset> offsets)
    {
        foreach (var start in offsets)
        {
            var partition = start.TopicPartition;
            _byPartition[partition] = new PartitionBuffer(partition, OrderOf(partition), committable: !_global)
            {
                Next = start.Offset.IsSpecial ? -1 : start.Offset.Value,
            };
        }

        _inputs = _byPartition.Values.OrderBy(buffer => buffer.Order).ToArray();
        _ready = true;
        _waitingSince = null;
        _firstAssignment.TrySetResult(partitions);
        Log.Assigned(_logger, _name, partitions);
        _wake();
    }

    private void OnRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions, bool lost)
    {
        // Until the new assignment arrives the merge holds back, so rooms cannot run ahead of users.
        _ready = false;
        _changelog?.OnRevoked(partitions, waitForExchange: !lost && !_outage.IsDown);
        _waitingSince = _time.GetUtcNow();
        if (lost)
        {
            Log.Lost(_logger, _name, partitions);
        }
        else
        {
            // What is acknowledged is committed before the partitions go, so the next owner starts after it.
            Commit(consumer, partitions.ToHashSet());
            Log.Revoked(_logger, _name, partitions);
        }

        lock (_ackLock)
        {
            foreach (var partition in partitions)
            {
                _acked.Remove(partition);
                _committed.Remove(partition);
                _fetched.Remove(partition);
                _firstFetched.Remove(partition);
            }
        }

        foreach (var partition in partitions)
        {
            if (_byPartition.Remove(partition, out var buffer) && buffer.Revoke() is >= 0 and var processed && _changelog is not null && !lost)
            {
                _processedUpTo[partition] = processed;
            }
        }

        _inputs = _byPartition.Values.OrderBy(buffer => buffer.Order).ToArray();
        _wake();
    }

    private int OrderOf(TopicPartition partition)
    {
        var topic = 0;
        while (topic < _topics.Count && _topics[topic] != partition.Topic)
        {
            topic++;
        }

        return _orderBase + (topic * 100_000) + partition.Partition.Value;
    }

    private bool AdjustPauses(IConsumer<byte[]?, byte[]?> consumer)
    {
        List<TopicPartition>? pause = null;
        List<TopicPartition>? resume = null;
        var anyPaused = false;
        foreach (var input in _inputs)
        {
            var count = input.Count;
            if (!input.Paused && count >= _options.MaxBufferedRecordsPerPartition)
            {
                (pause ??= []).Add(input.Partition);
                input.Paused = true;
            }
            else if (input.Paused && count < _options.MaxBufferedRecordsPerPartition / 2)
            {
                (resume ??= []).Add(input.Partition);
                input.Paused = false;
            }

            anyPaused |= input.Paused;
        }

        if (pause is not null)
        {
            consumer.Pause(pause);
            _firstPause.TrySetResult();
        }

        if (resume is not null)
        {
            consumer.Resume(resume);
        }

        return anyPaused;
    }

    /// <summary>Commits acknowledged offsets not yet committed (of <paramref name="only"/>, when given); returns what it committed.</summary>
    private string Commit(IConsumer<byte[]?, byte[]?> consumer, HashSet<TopicPartition>? only)
    {
        if (_global)
        {
            return "nothing (global table)";
        }

        var due = new List<TopicPartitionOffset>();
        lock (_ackLock)
        {
            foreach (var (partition, next) in _acked)
            {
                // Only partitions still owned: committing one that moved on could rewind its new owner.
                if ((only is null || only.Contains(partition)) && _byPartition.ContainsKey(partition)
                    && (!_committed.TryGetValue(partition, out var done) || done < next))
                {
                    due.Add(new TopicPartitionOffset(partition, next));
                }
            }
        }

        if (due.Count == 0)
        {
            return "nothing new";
        }

        var described = string.Join(", ", due.Select(o => $"{o.Topic}[{o.Partition.Value}]@{o.Offset.Value}"));
        try
        {
            consumer.Commit(due);
            _outage.ReportUp();
            lock (_ackLock)
            {
                foreach (var offset in due)
                {
                    _committed[offset.TopicPartition] = offset.Offset.Value;
                }
            }

            Log.Committed(_logger, _name, described);
            return described;
        }
        catch (KafkaException ex) when (!ex.Error.IsFatal)
        {
            Log.CommitFailed(_logger, _name, described, ex.Error.Reason);
            return "nothing (commit failed)";
        }
    }

    private void UpdateLag(IConsumer<byte[]?, byte[]?> consumer)
    {
        var lag = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var input in _inputs)
        {
            var high = consumer.GetWatermarkOffsets(input.Partition).High;
            if (high == Offset.Unset)
            {
                continue;
            }

            long processed;
            lock (_ackLock)
            {
                processed = _acked.TryGetValue(input.Partition, out var next) ? next : -1;
            }

            if (processed < 0)
            {
                var position = consumer.Position(input.Partition);
                if (position == Offset.Unset)
                {
                    continue;
                }

                processed = position.Value - input.Count;
            }

            lag[$"{input.Partition.Topic}[{input.Partition.Partition.Value}]"] = Math.Max(0, high.Value - processed);
        }

        _lag = lag;
    }
}

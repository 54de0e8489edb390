using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Exchange;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// Reads every partition of the aggregate exchange topic from its start, on its own thread, and keeps the records for
/// the source stage, which hands them to the decoding stage with its next batch, outside the watermark. Reading from the
/// start is the bootstrap: what is retained rebuilds the aggregates of partitions this instance never processed, and
/// the exchange's marks (checkpointed) pass over what was counted before a restart.
/// </summary>
/// <param name="options">Kafka settings.</param>
/// <param name="logger">Where a failure is logged.</param>
/// <param name="waiting">How many received contributions the core holds, not yet due: no more are taken while it is at
/// <see cref="AggregateExchange.MaxHeld"/>, so a start that reads hours of the topic keeps its memory bounded.</param>
internal sealed class ExchangeReader(KafkaOptions options, ILogger logger, Func<int> waiting) : IDisposable
{
    /// <summary>Records handed to the stream with one batch at most.</summary>
    internal const int MaxPerBatch = 1_024;

    /// <summary>Records kept for the stream at most: beyond it the reader waits, so a slow pipeline bounds its memory.</summary>
    internal const int MaxQueued = 8_192;

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);

    // One broker question at a time is short, so a stop while the brokers are out of reach never waits for a long one.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(1);
    private readonly ConcurrentQueue<ExchangedRecord> _queue = new();
    private readonly SemaphoreSlim _drained = new(0, int.MaxValue);
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private volatile Thread? _thread;
    private bool _disposed;
    private volatile bool _caughtUp;
    private int _catchUpRequested = 1;
    private Exception? _failure;
    private long _read;

    /// <summary>Why reading stopped, or null.</summary>
    public Exception? Failure => Volatile.Read(ref _failure);

    /// <summary>Records read since the start.</summary>
    public long Read => Interlocked.Read(ref _read);

    public bool HasRecords => !_queue.IsEmpty;

    /// <summary>
    /// True once everything the topic held when catch-up was last asked for has been read and taken: a partition's new
    /// owner knows, before it processes the partition, which of its events another instance already counted.
    /// </summary>
    public bool IsCaughtUp => _caughtUp && _queue.IsEmpty;

    /// <summary>Asks the reader to catch up with the topic's current end (at start, and when partitions move).</summary>
    public void RequestCatchUp()
    {
        _caughtUp = false;
        Volatile.Write(ref _catchUpRequested, 1);
    }

    /// <summary>Starts reading; <paramref name="wake"/> is called from the reader's thread when records arrive.</summary>
    public void Start(Action wake)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _thread = new Thread(() => Run(wake)) { IsBackground = true, Name = "streamrec-exchange" };
        _thread.Start();
    }

    /// <summary>The records read since the last call, in order per exchange partition, or null when there are none.</summary>
    public List<ExchangedRecord>? TakeAll()
    {
        // Strictly above the bound, so the core, merging down to it, always has something to make room with.
        if (_queue.IsEmpty || waiting() > AggregateExchange.MaxHeld)
        {
            return null;
        }

        var taken = new List<ExchangedRecord>(Math.Min(_queue.Count, MaxPerBatch));
        while (taken.Count < MaxPerBatch && _queue.TryDequeue(out var record))
        {
            taken.Add(record);
        }

        lock (_gate)
        {
            if (!_disposed)
            {
                _drained.Release();
            }
        }

        return taken;
    }

    /// <summary>Stops reading, waits for the reader's thread and releases what it held.</summary>
    public async Task StopAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_thread is { } thread)
        {
            await Task.Run(thread.Join).ConfigureAwait(false);
        }

        Dispose();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _drained.Dispose();
        }

        _stopping.Dispose();
    }

    private void Run(Action wake)
    {
        var topic = options.Topics.Aggregates;
        try
        {
            using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(Hosting.KafkaClientConfigs.ExchangeReader(options)).Build();
            var token = _stopping.Token;
            consumer.Assign(Partitions(consumer, topic, token).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            var read = new Dictionary<int, long>();
            Dictionary<int, WatermarkOffsets>? targets = null;
            while (!token.IsCancellationRequested)
            {
                if (Interlocked.Exchange(ref _catchUpRequested, 0) == 1)
                {
                    try
                    {
                        targets = consumer.Assignment.ToDictionary(p => p.Partition.Value, p => consumer.QueryWatermarkOffsets(p, AttemptTimeout));
                    }
                    catch (KafkaException)
                    {
                        // Brokers out of reach: asked again on the next turn; the outage monitor decides when the run gives up.
                        Volatile.Write(ref _catchUpRequested, 1);
                    }
                }

                if (targets is not null && targets.All(t => t.Value.High.Value <= t.Value.Low.Value || read.GetValueOrDefault(t.Key) >= t.Value.High.Value))
                {
                    targets = null;
                    _caughtUp = true;
                    wake();
                }

                if (_queue.Count >= MaxQueued)
                {
                    _drained.Wait(token);
                    continue;
                }

                // Bounded, so a catch-up request is seen while the topic is quiet.
                var result = consumer.Consume(TimeSpan.FromMilliseconds(100));
                if (result is null)
                {
                    continue;
                }

                read[result.Partition.Value] = result.Offset.Value + 1;
                if (result.Message?.Value is not { } value)
                {
                    continue;
                }

                Interlocked.Increment(ref _read);
                _queue.Enqueue(new ExchangedRecord(value, RecordOrigin.KafkaMessage(topic, result.Partition.Value, result.Offset.Value)));
                wake();
            }

            consumer.Close();
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // Whatever stops the reader fails the stream through Failure, on the stream's thread.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Log.ExchangeReaderFailed(logger, ex, topic);
            Volatile.Write(ref _failure, ex);
            wake();
        }
    }

    /// <summary>The topic's partitions, asked in short attempts within <see cref="MetadataTimeout"/>, so a stop is seen.</summary>
    private static IEnumerable<int> Partitions(IConsumer<byte[]?, byte[]?> consumer, string topic, CancellationToken token)
    {
        using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
        var deadline = Environment.TickCount64 + (long)MetadataTimeout.TotalMilliseconds;
        while (true)
        {
            token.ThrowIfCancellationRequested();
            try
            {
                var metadata = admin.GetMetadata(topic, AttemptTimeout).Topics.SingleOrDefault(t => t.Topic == topic);
                if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
                {
                    throw new InvalidOperationException(
                        $"Topic '{topic}' is not available ({metadata?.Error.Reason ?? "no metadata"}); the room-aggregate exchange needs it (any partition count, time-based retention).");
                }

                return [.. metadata.Partitions.Select(p => p.PartitionId)];
            }
            catch (KafkaException) when (Environment.TickCount64 < deadline)
            {
                // No broker answered within the attempt: ask again until the deadline.
            }
        }
    }
}

using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>
/// Freshness in a live run: the log's first events are produced at a steady rate with their event time set to
/// the wall time of sending, while <c>run</c> consumes them and a reader takes the deltas off the output topic.
/// A delta's freshness is the wall time it was read minus its event time, which is the event time (so the
/// arrival) of the newest event applied before it was emitted: the coalescing delay is not counted, since the
/// delta is only due once event time has passed it. room_stop→delta is the time from a stop's sending to the
/// reading of the last holder's delta that removed the room. Measured are the deltas of the window's event time and
/// the stops sent in it; traffic goes on for a few seconds after it (see <see cref="CoolDown"/>).
/// </summary>
/// <remarks>Reading the delta comes a fetch after the broker acknowledged it, so the figures are upper bounds.</remarks>
internal static class FreshnessMeasurement
{
    /// <summary>
    /// Traffic goes on this long after the measured window, so the window's last ticks close as live ones do. Without
    /// it the end of the input was measured: the re-ranks still pending when the traffic stopped ran in a few large
    /// ticks on the idle watermark, and those 18% of the deltas (p50 683 ms) made the p99 (822 ms against 31 to 174 ms
    /// in every second before; 200k users, 11.7k events/s). It also replaces the wait after the input that let those
    /// ticks close on the idle watermark: their deltas are not measured any more.
    /// </summary>
    private static readonly TimeSpan CoolDown = TimeSpan.FromSeconds(3);

    /// <summary>Enough events that even a slow machine's live run holds room stops (simulated logs have their first within ~1,000).</summary>
    private const int MinEvents = 10_000;

    /// <summary>How long the live run may wait for its partitions.</summary>
    private static readonly TimeSpan AssignmentLimit = TimeSpan.FromSeconds(60);

    /// <summary>How long the broker-hop measurement after the live run produces, at the live rate.</summary>
    private static readonly TimeSpan HopDuration = TimeSpan.FromSeconds(5);

    public static async Task<(double P50, double P99, double Max, double StopP99, long Deltas, double HopP50, double HopP99)> RunAsync(
        string log, double eventsPerSec, TimeSpan duration, int partitions, PipelineOptions pipeline, CancellationToken cancellationToken)
    {
        var events = (int)Math.Max(MinEvents, eventsPerSec * duration.TotalSeconds);
        var lines = File.ReadLines(log).Take(events + (int)(eventsPerSec * CoolDown.TotalSeconds)).Select(l => JsonSerializer.Deserialize(l, ContractJson.Default.LiveEvent)!).ToList();
        var topics = KafkaMeasurement.Topics("live");
        const string hopTopic = "live.hop";
        using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { DefaultPartitions = partitions });
        foreach (var topic in topics.All.Append(hopTopic))
        {
            broker.CreateTopic(topic, topic == topics.Metrics ? 1 : partitions);
        }

        broker.SetInitialRebalanceDelay(TimeSpan.Zero);

        // Live: the run goes on until stopped, and every client waits as little as it can for a fetch.
        var kafka = KafkaMeasurement.Options(broker.BootstrapServers, topics, "bench-live") with
        {
            StopWhenCaughtUp = false,
            Consumer = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "5" },
            Producer = new Dictionary<string, string> { ["linger.ms"] = "1" },
        };
        using var reader = new TimedReader(broker.BootstrapServers, topics.Deltas, partitions);
        var job = new KafkaPipelineJob(kafka, pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(cancellationToken).AsTask();
        // Bounded, as the demo's wait is; a job that fails first faults both (see KafkaPipelineJob.Control).
        var control = await job.Control.WaitAsync(AssignmentLimit, cancellationToken).ConfigureAwait(false);
        await control.FirstAssignment.WaitAsync(AssignmentLimit, cancellationToken).ConfigureAwait(false);
        var (stops, windowEnd) = await ProduceLiveAsync(kafka, topics, lines, events, eventsPerSec, cancellationToken).ConfigureAwait(false);
        control.Stop();
        await run.ConfigureAwait(false);
        var deltas = reader.Stop()
            .Select(r => (r.ReadAt, Delta: JsonSerializer.Deserialize(r.Value, ContractJson.Default.RecommendationDelta)!))
            .Where(d => d.Delta.Ts <= windowEnd).ToList();
        var hop = await HopAsync(kafka, hopTopic, partitions, lines, eventsPerSec, cancellationToken).ConfigureAwait(false);

        var freshness = deltas.Select(d => (double)(d.ReadAt - d.Delta.Ts)).Order().ToArray();
        var stopLatencies = StopLatencies(stops, deltas);
        return (Percentile(freshness, 0.50), Percentile(freshness, 0.99), freshness.Length == 0 ? double.NaN : freshness[^1],
            Percentile(stopLatencies, 0.99), deltas.Count, Percentile(hop, 0.50), Percentile(hop, 0.99));
    }

    /// <summary>
    /// One broker hop with the live run's client settings, on the same broker, after it: the log's events sent at the
    /// live rate to a topic of their own and read back, the wall time from sending to reading. A delta's freshness
    /// holds two such hops (the event into the pipeline, the delta out of it), so this tells the broker's share from the
    /// pipeline's.
    /// </summary>
    private static async Task<double[]> HopAsync(
        KafkaOptions kafka, string topic, int partitions, List<LiveEvent> events, double eventsPerSec, CancellationToken cancellationToken)
    {
        using var reader = new TimedReader(kafka.BootstrapServers, topic, partitions);
        using var producer = KafkaClientConfigs.CreateProducer(kafka with { InstanceId = "bench-live-hop" }, NullLogger.Instance);
        var count = Math.Min(events.Count, (int)(eventsPerSec * HopDuration.TotalSeconds));

        // Sent and read before the measured records (an empty value tells it apart), so the reader's first fetch is not timed.
        for (var p = 0; p < partitions; p++)
        {
            producer.Produce(new TopicPartition(topic, p), new Message<byte[]?, byte[]?> { Value = [] });
        }

        producer.Flush(cancellationToken);
        reader.WaitUntil(partitions, TimeSpan.FromSeconds(30));
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i++)
        {
            await Pacing.UntilAsync(clock, TimeSpan.FromSeconds(i / eventsPerSec), cancellationToken).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var value = JsonSerializer.SerializeToUtf8Bytes(events[i] with { Ts = now }, ContractJson.Default.LiveEvent);
            producer.Produce(new TopicPartition(topic, i % partitions), new Message<byte[]?, byte[]?> { Value = value, Timestamp = new Timestamp(now, TimestampType.CreateTime) });
        }

        producer.Flush(cancellationToken);
        reader.WaitUntil(partitions + count, TimeSpan.FromSeconds(30));
        return [.. reader.Stop().Where(static r => r.Value.Length > 0).Select(static r => (double)(r.ReadAt - r.Timestamp)).Order()];
    }

    /// <summary>
    /// Sends each event at its slot of a steady rate, stamped with the wall time of sending; returns the stops sent in
    /// the measured window (the first <paramref name="measured"/> events) and the time the window's last event was sent.
    /// </summary>
    private static async Task<(List<(string Room, long SentAt)> Stops, long WindowEnd)> ProduceLiveAsync(
        KafkaOptions kafka, KafkaTopics topics, List<LiveEvent> events, int measured, double eventsPerSec, CancellationToken cancellationToken)
    {
        using var producer = KafkaClientConfigs.CreateProducer(kafka with { InstanceId = "bench-live-produce" }, NullLogger.Instance);
        var stops = new List<(string, long)>();
        var windowEnd = long.MaxValue;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < events.Count; i++)
        {
            var due = TimeSpan.FromSeconds(i / eventsPerSec);
            await Pacing.UntilAsync(clock, due, cancellationToken).ConfigureAwait(false);

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var live = events[i] with { Ts = now };
            var value = JsonSerializer.SerializeToUtf8Bytes(live, ContractJson.Default.LiveEvent);
            var route = EventRoute.Of(value, topics);
            producer.Produce(route.Topic, new Message<byte[]?, byte[]?> { Key = route.Key, Value = value, Timestamp = new Timestamp(now, TimestampType.CreateTime) });
            if (i == measured - 1)
            {
                windowEnd = now;
            }

            if (live is RoomStopEvent stop && i < measured)
            {
                stops.Add((stop.RoomId, now));
            }
        }

        producer.Flush(cancellationToken);
        return (stops, windowEnd);
    }

    /// <summary>Per stop: the last delta that removed the room, within a few seconds of event time after the stop.</summary>
    private static double[] StopLatencies(List<(string Room, long SentAt)> stops, List<(long ReadAt, RecommendationDelta Delta)> deltas)
    {
        var byRoom = new Dictionary<string, List<(long ReadAt, long Ts)>>(StringComparer.Ordinal);
        foreach (var (readAt, delta) in deltas)
        {
            foreach (var room in delta.Removed)
            {
                if (!byRoom.TryGetValue(room, out var list))
                {
                    byRoom[room] = list = [];
                }

                list.Add((readAt, delta.Ts));
            }
        }

        var latencies = new List<double>();
        foreach (var (room, sentAt) in stops)
        {
            // The promotions a stop causes carry event times from the stop on, within the next few ticks.
            var reads = byRoom.GetValueOrDefault(room)?.Where(r => r.Ts >= sentAt && r.Ts <= sentAt + 5_000).Select(r => r.ReadAt).ToList();
            if (reads is { Count: > 0 })
            {
                latencies.Add(reads.Max() - sentAt);
            }
        }

        return [.. latencies.Order()];
    }

    private static double Percentile(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    /// <summary>Reads a topic on its own thread, noting the wall time each record was read.</summary>
    private sealed class TimedReader : IDisposable
    {
        private readonly IConsumer<byte[]?, byte[]?> _consumer;
        private readonly Thread _thread;
        private readonly List<(long ReadAt, long Timestamp, byte[] Value)> _read = [];
        private readonly object _gate = new();
        private volatile bool _stopping;

        public TimedReader(string bootstrap, string topic, int partitions)
        {
            _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
            {
                BootstrapServers = bootstrap, GroupId = $"bench-reader-{Guid.NewGuid():N}", EnableAutoCommit = false, FetchWaitMaxMs = 5,
            }).Build();
            _consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
            _thread = new Thread(Read) { IsBackground = true, Name = "bench-reader" };
            _thread.Start();
        }

        public List<(long ReadAt, long Timestamp, byte[] Value)> Stop()
        {
            _stopping = true;
            _thread.Join();
            return _read;
        }

        /// <summary>Returns once <paramref name="count"/> records were read; a shortfall after <paramref name="limit"/> is an error.</summary>
        public void WaitUntil(int count, TimeSpan limit)
        {
            lock (_gate)
            {
                var waited = Stopwatch.StartNew();
                while (_read.Count < count && waited.Elapsed < limit)
                {
                    Monitor.Wait(_gate, limit - waited.Elapsed);
                }

                if (_read.Count < count)
                {
                    throw new TimeoutException($"bench: the broker hop read {_read.Count} of {count} records within {limit}.");
                }
            }
        }

        public void Dispose()
        {
            // Also on an early exit: the reader thread must be done with the consumer before it goes.
            _stopping = true;
            _thread.Join();
            _consumer.Dispose();
        }

        private void Read()
        {
            while (!_stopping)
            {
                // Parsed after the run: parsing here delayed the reading of the next deltas of a burst (a stop's
                // thousands of promotions), which the measurement then charged to the pipeline.
                if (_consumer.Consume(TimeSpan.FromMilliseconds(50)) is { IsPartitionEOF: false, Message: { Value: { } value } message })
                {
                    var readAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                    lock (_gate)
                    {
                        _read.Add((readAt, message.Timestamp.UnixTimestampMs, value));
                        Monitor.PulseAll(_gate);
                    }
                }
            }
        }
    }
}

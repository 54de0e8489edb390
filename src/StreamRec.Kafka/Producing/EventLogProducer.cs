using System.Diagnostics;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Input;

namespace StreamRec.Kafka.Producing;

/// <summary>
/// Routes a JSON-lines event log onto the input topics (see <see cref="EventRoute"/>), each message stamped
/// with its event time. Optionally paces itself by the consumer group's lag, so a consumer that has not
/// caught up is not overrun (the embedded broker keeps only about 5 MB per partition). Any failed delivery
/// fails the run.
/// </summary>
public sealed class EventLogProducer(KafkaOptions kafka, string input, long? paceLag, TimeProvider time, ILogger logger)
{
    /// <summary>Lines longer than this are not sent (Kafka's default message size limit is 1 MB).</summary>
    public const int MaxMessageBytes = 1_000_000;

    private const int MaxInFlight = 100_000;
    private const int PaceCheckEvery = 2_000;
    private static readonly TimeSpan PaceInterval = TimeSpan.FromMilliseconds(50);

    private readonly Dictionary<string, long> _byTopic = new(StringComparer.Ordinal);
    private readonly Dictionary<TopicPartition, long> _produced = [];
    private readonly Lock _producedLock = new();
    private volatile Error? _error;

    public async ValueTask<EventLogProduceSummary> RunAsync(CancellationToken cancellationToken)
    {
        kafka.Validate();
        if (paceLag is < 1)
        {
            throw new ArgumentException($"The pace lag must be at least 1, got {paceLag}.");
        }

        var stopwatch = Stopwatch.StartNew();
        using var producer = KafkaClientConfigs.CreateProducer(kafka with { InstanceId = $"{kafka.InstanceId}-produce" }, logger);
        using var pacer = paceLag is null ? null : new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig(KafkaClientConfigs.GroupConsumer(kafka))).Build();
        using var reader = new JsonLinesReader(input, MaxMessageBytes);
        using var slots = new SemaphoreSlim(MaxInFlight, MaxInFlight);
        long events = 0, unroutable = 0, tooLarge = 0, bytes = 0, pacedMs = 0;
        while (reader.ReadBatch(4096) is { } batch)
        {
            for (var i = 0; i < batch.Count; i++)
            {
                if (batch.IsTruncated(i))
                {
                    tooLarge++;
                    continue;
                }

                var value = batch.Record(i).ToArray();
                var route = EventRoute.Of(value, kafka.Topics);
                var message = new Message<byte[]?, byte[]?> { Key = route.Key, Value = value };
                if (route.Timestamp is { } ts)
                {
                    message.Timestamp = new Timestamp(ts, TimestampType.CreateTime);
                }

                await slots.WaitAsync(cancellationToken).ConfigureAwait(false);
                ThrowIfFailed();
                producer.Produce(route.Topic, message, report => Delivered(report, slots));
                _byTopic[route.Topic] = _byTopic.GetValueOrDefault(route.Topic) + 1;
                unroutable += route.Routable ? 0 : 1;
                bytes += value.Length;
                if (++events % PaceCheckEvery == 0 && pacer is not null)
                {
                    pacedMs += await PaceAsync(pacer, paceLag!.Value, cancellationToken).ConfigureAwait(false);
                }
            }
        }

        // Every message must be acknowledged before the summary claims it was produced.
        while (producer.Flush(TimeSpan.FromMilliseconds(200)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }

        ThrowIfFailed();
        if (unroutable > 0 || tooLarge > 0)
        {
            Log.ProduceSkipped(logger, unroutable, kafka.Topics.Clicks, tooLarge, MaxMessageBytes);
        }

        var elapsed = stopwatch.Elapsed;
        return new EventLogProduceSummary(
            events, new SortedDictionary<string, long>(_byTopic, StringComparer.Ordinal), unroutable, tooLarge, bytes, pacedMs,
            (long)elapsed.TotalMilliseconds, (long)(events / Math.Max(elapsed.TotalSeconds, 1e-6)));
    }

    private void Delivered(DeliveryReport<byte[]?, byte[]?> report, SemaphoreSlim slots)
    {
        if (report.Error.IsError)
        {
            _error ??= report.Error;
        }
        else
        {
            lock (_producedLock)
            {
                var next = report.Offset.Value + 1;
                if (_produced.GetValueOrDefault(report.TopicPartition) < next)
                {
                    _produced[report.TopicPartition] = next;
                }
            }
        }

        slots.Release();
    }

    private void ThrowIfFailed()
    {
        if (_error is { } error)
        {
            throw new ProduceException<byte[]?, byte[]?>(error, null);
        }
    }

    /// <summary>Waits while any user-topic partition is more than <paramref name="maxLag"/> records ahead of the group's commits.</summary>
    private async ValueTask<long> PaceAsync(IConsumer<Ignore, Ignore> pacer, long maxLag, CancellationToken cancellationToken)
    {
        var waited = 0L;
        while (true)
        {
            List<TopicPartition> partitions;
            Dictionary<TopicPartition, long> produced;
            lock (_producedLock)
            {
                produced = new Dictionary<TopicPartition, long>(_produced);
                partitions = produced.Keys.Where(p => kafka.Topics.UserTopics.Contains(p.Topic)).ToList();
            }

            if (partitions.Count == 0)
            {
                return waited;
            }

            var committed = pacer.Committed(partitions, TimeSpan.FromSeconds(10));
            var lag = committed.Max(c => produced[c.TopicPartition] - (c.Offset == Offset.Unset ? 0 : c.Offset.Value));
            if (lag <= maxLag)
            {
                return waited;
            }

            // Rate control of a live producer, not a test waiting for a condition.
            await Task.Delay(PaceInterval, time, cancellationToken).ConfigureAwait(false);
            waited += (long)PaceInterval.TotalMilliseconds;
        }
    }
}

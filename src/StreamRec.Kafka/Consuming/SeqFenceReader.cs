using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// The read side of the seq fence (<see cref="Pipeline.Durability.SeqFenceMarker"/>). When a partition is restored
/// from the changelog, its previous owner may have sent deltas after its last checkpoint, under seqs the restored
/// state does not know. The deltas topic is keyed by user id with the murmur2 partitioner and as many partitions as
/// the user topics (checked at start), so they are all on the deltas partition numbered like the user partition, at
/// or after the marker's offset: reading from there to the end gives each user's highest seq, which the restored
/// partition continues after. Tombstones (forgotten users) carry no seq and are passed over.
/// </summary>
internal sealed class SeqFenceReader(KafkaOptions options, string topic, DeltaFloors floors, ILogger logger)
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(30);
    private long _skipped;
    private long _read;

    /// <summary>Deltas between a fence marker and the log's start, deleted by retention before a restore read them.</summary>
    public long SkippedByRetention => Interlocked.Read(ref _skipped);

    /// <summary>Deltas read by fences since the start.</summary>
    public long Read => Interlocked.Read(ref _read);

    /// <summary>A kept partition: what this instance sends from now on lands after the partition's current end.</summary>
    public void Kept(IConsumer<byte[]?, byte[]?> consumer, int partition) =>
        floors.SeenEnd(partition, consumer.QueryWatermarkOffsets(new TopicPartition(topic, partition), QueryTimeout).High.Value);

    /// <summary>
    /// Reads the deltas partition from <paramref name="marker"/> (null: the changelog holds none, so from the log's
    /// start) to its end; returns the offset read from and each user's highest seq, in the order first found.
    /// </summary>
    public (long Origin, IReadOnlyList<KeyValuePair<string, long>> Floors) Fence(int partition, long? marker)
    {
        var topicPartition = new TopicPartition(topic, partition);
        using var reader = new ConsumerBuilder<byte[]?, byte[]?>(Hosting.KafkaClientConfigs.ChangelogReader(options, partition)).Build();
        var watermarks = reader.QueryWatermarkOffsets(topicPartition, QueryTimeout);
        long low = watermarks.Low.Value, end = watermarks.High.Value;
        var origin = marker ?? low;
        if (marker is { } at && low > at)
        {
            Interlocked.Add(ref _skipped, low - at);
            Log.SeqFenceTruncated(logger, topic, partition, at, low, low - at);
        }

        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        var order = new List<string>();
        var next = Math.Max(origin, low);
        if (next < end)
        {
            reader.Assign(new TopicPartitionOffset(topicPartition, next));
            var deadline = Stopwatch.GetTimestamp() + (long)(QueryTimeout.TotalSeconds * Stopwatch.Frequency);
            while (next < end)
            {
                var result = reader.Consume(TimeSpan.FromMilliseconds(200));
                if (result is null || result.IsPartitionEOF)
                {
                    if (Stopwatch.GetTimestamp() > deadline)
                    {
                        throw new InvalidOperationException($"The seq fence of {topicPartition} stopped at offset {next} of {end}: no more records within {QueryTimeout}.");
                    }

                    continue;
                }

                next = result.Offset.Value + 1;
                Interlocked.Increment(ref _read);
                if (result.Message.Key is not { } key || result.Message.Value is not { } value)
                {
                    continue;
                }

                long seq;
                try
                {
                    seq = JsonSerializer.Deserialize(value, ContractJson.Default.RecommendationDelta)?.Seq ?? 0;
                }
                catch (JsonException)
                {
                    // Not a delta of ours (written by hand or another tool): it cannot carry a seq of this user's.
                    continue;
                }

                var user = Encoding.UTF8.GetString(key);
                if (!highest.TryGetValue(user, out var seen))
                {
                    order.Add(user);
                    highest[user] = seq;
                }
                else if (seq > seen)
                {
                    highest[user] = seq;
                }
            }

            reader.Close();
        }

        floors.SeenEnd(partition, end);
        var fence = order.Select(u => KeyValuePair.Create(u, highest[u])).ToList();
        Log.SeqFenceRead(logger, partition, topic, origin, end, marker is null ? "no marker in the changelog: from the log's start" : "from the changelog's marker", fence.Count);
        return (origin, fence);
    }
}

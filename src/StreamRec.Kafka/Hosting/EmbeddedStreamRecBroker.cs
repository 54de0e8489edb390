using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.Options;

namespace StreamRec.Kafka.Hosting;

/// <summary>Starts an <see cref="EmbeddedKafkaBroker"/> with every StreamRec topic created, for local runs and tests.</summary>
public static class EmbeddedStreamRecBroker
{
    /// <summary>
    /// Inputs, deltas and dead letters get <paramref name="partitions"/> partitions each (the user topics must be
    /// co-partitioned); metrics get one.
    /// </summary>
    public static EmbeddedKafkaBrokerOptions Options(KafkaTopics topics, int partitions, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(topics);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        var created = topics.All.ToDictionary(topic => topic, _ => partitions, StringComparer.Ordinal);
        created[topics.Metrics] = 1;
        return new EmbeddedKafkaBrokerOptions { Port = port, DefaultPartitions = partitions, Topics = created };
    }

    /// <inheritdoc cref="Options"/>
    public static EmbeddedKafkaBroker Start(KafkaTopics topics, int partitions, int? port = null) =>
        EmbeddedKafkaBroker.Start(Options(topics, partitions, port));
}

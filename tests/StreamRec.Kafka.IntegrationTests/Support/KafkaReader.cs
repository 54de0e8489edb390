using Confluent.Kafka;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>Reads a whole topic, as an independent consumer would: every partition from the beginning to its end.</summary>
internal static class KafkaReader
{
    public static Task<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>> ReadAllAsync(string bootstrapServers, string topic, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<ConsumeResult<byte[]?, byte[]?>>>(
            () =>
            {
                var config = new ConsumerConfig
                {
                    BootstrapServers = bootstrapServers,
                    GroupId = $"reader-{Guid.NewGuid():N}",
                    EnableAutoCommit = false,
                    EnablePartitionEof = true,
                };
                using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
                using var admin = new DependentAdminClientBuilder(consumer.Handle).Build();
                var partitions = admin.GetMetadata(topic, KafkaTestDefaults.Timeout).Topics.Single().Partitions
                    .Select(p => new TopicPartitionOffset(topic, p.PartitionId, Offset.Beginning))
                    .ToList();

                // Manual assignment: no group to join, so no rebalance delay.
                consumer.Assign(partitions);
                var received = new List<ConsumeResult<byte[]?, byte[]?>>();
                var atEnd = new HashSet<int>();
                while (atEnd.Count < partitions.Count)
                {
                    var result = consumer.Consume(cancellationToken);
                    if (result.IsPartitionEOF)
                    {
                        atEnd.Add(result.Partition.Value);
                        continue;
                    }

                    received.Add(result);
                }

                consumer.Close();
                return received;
            },
            cancellationToken);

    /// <summary>The group's committed offsets of <paramref name="partitions"/>.</summary>
    public static Task<List<TopicPartitionOffset>> CommittedAsync(string bootstrapServers, string groupId, IEnumerable<TopicPartition> partitions) =>
        Task.Run(() =>
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = groupId }).Build();
            return consumer.Committed(partitions, KafkaTestDefaults.Timeout);
        });

    /// <summary>Each partition's end offset (high watermark), asked of the broker.</summary>
    public static Task<Dictionary<TopicPartition, long>> EndOffsetsAsync(string bootstrapServers, IEnumerable<TopicPartition> partitions) =>
        Task.Run(() =>
        {
            using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = bootstrapServers, GroupId = $"ends-{Guid.NewGuid():N}" }).Build();
            return partitions.ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(p, KafkaTestDefaults.Timeout).High.Value);
        });
}

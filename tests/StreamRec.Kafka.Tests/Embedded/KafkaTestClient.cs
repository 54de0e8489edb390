using System.Net;
using System.Net.Sockets;
using Confluent.Kafka;

namespace StreamRec.Kafka.Tests.Embedded;

/// <summary>Confluent.Kafka round trips against a broker, bounded by timeouts instead of sleeps.</summary>
internal static class KafkaTestClient
{
    public static readonly TimeSpan RoundTripTimeout = TimeSpan.FromSeconds(30);

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    /// <summary>A loopback port that was free a moment ago: bound to port 0, read, released.</summary>
    public static int FreeLoopbackPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    /// <summary>Produces every message and waits for each delivery report; returns the reports in send order.</summary>
    public static async Task<IReadOnlyList<DeliveryResult<string, string>>> ProduceAsync(
        string bootstrapServers, string topic, IEnumerable<(string Key, string Value)> messages, CancellationToken cancellationToken)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            LingerMs = 5,
        };
        using var producer = new ProducerBuilder<string, string>(config).Build();
        var deliveries = messages
            .Select(message => producer.ProduceAsync(topic, new Message<string, string> { Key = message.Key, Value = message.Value }, cancellationToken))
            .ToList();
        return await Task.WhenAll(deliveries);
    }

    /// <summary>
    /// Joins a fresh consumer group on <paramref name="topic"/> and reads until <paramref name="expected"/>
    /// messages have arrived, then keeps polling briefly so duplicates would be seen too.
    /// </summary>
    public static Task<IReadOnlyList<ConsumeResult<string, string>>> ConsumeAsync(
        string bootstrapServers, string topic, int expected, CancellationToken cancellationToken) =>
        Task.Run<IReadOnlyList<ConsumeResult<string, string>>>(
            () =>
            {
                var config = new ConsumerConfig
                {
                    BootstrapServers = bootstrapServers,
                    GroupId = UniqueName("group"),
                    AutoOffsetReset = AutoOffsetReset.Earliest,
                    EnablePartitionEof = true,
                };
                using var consumer = new ConsumerBuilder<string, string>(config).Build();
                consumer.Subscribe(topic);
                var received = new List<ConsumeResult<string, string>>();
                var partitionsAtEnd = new HashSet<Partition>();
                int? partitionCount = null;
                try
                {
                    // Done once the expected count is in and every assigned partition has reported its end,
                    // which also catches any message beyond the expected ones.
                    while (received.Count < expected || partitionCount is null || partitionsAtEnd.Count < partitionCount)
                    {
                        var result = consumer.Consume(cancellationToken);
                        partitionCount ??= consumer.Assignment.Count;
                        if (result.IsPartitionEOF)
                        {
                            partitionsAtEnd.Add(result.Partition);
                            continue;
                        }

                        partitionsAtEnd.Remove(result.Partition);
                        received.Add(result);
                    }
                }
                finally
                {
                    consumer.Close();
                }

                return received;
            },
            cancellationToken);
}

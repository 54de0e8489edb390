using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using StreamRec.Kafka.IntegrationTests.Support;
using Testcontainers.Kafka;

namespace StreamRec.Kafka.IntegrationTests.Clusters;

/// <summary>A real Kafka broker in a container (Testcontainers), when a Docker engine answers; otherwise a skip reason.</summary>
public sealed class ContainerKafkaCluster : IKafkaCluster, IAsyncLifetime
{
    private const string Image = "confluentinc/cp-kafka:7.6.1";

    private KafkaContainer? _container;

    public string? SkipReason { get; private set; }

    public string BootstrapServers => _container?.GetBootstrapAddress() ?? throw new InvalidOperationException(SkipReason ?? "The container has not started.");

    public async Task CreateTopicsAsync(IEnumerable<string> topics, int partitions)
    {
        using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = BootstrapServers }).Build();
        await admin.CreateTopicsAsync(topics.Select(topic => new TopicSpecification { Name = topic, NumPartitions = partitions, ReplicationFactor = 1 }));
    }

    public async Task InitializeAsync()
    {
        SkipReason = await DockerProbe.WhyUnavailableAsync();
        if (SkipReason is not null)
        {
            return;
        }

        _container = new KafkaBuilder(Image)
            .WithEnvironment("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", ((long)KafkaTestDefaults.InitialRebalanceDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture))
            .Build();
        await _container.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }
    }
}

using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.IntegrationTests.Support;

namespace StreamRec.Kafka.IntegrationTests.Clusters;

/// <summary>The in-process broker (librdkafka's mock cluster), started by the fixture itself; always available.</summary>
public sealed class EmbeddedKafkaCluster : IKafkaCluster, IAsyncLifetime
{
    private EmbeddedKafkaBroker? _broker;

    public string? SkipReason => null;

    public string BootstrapServers => Broker.BootstrapServers;

    private EmbeddedKafkaBroker Broker => _broker ?? throw new InvalidOperationException("The fixture has not started yet.");

    public Task CreateTopicsAsync(IEnumerable<string> topics, int partitions)
    {
        foreach (var topic in topics)
        {
            Broker.CreateTopic(topic, partitions);
        }

        return Task.CompletedTask;
    }

    public Task InitializeAsync()
    {
        // Start returns once the broker listens. The rebalance delay lets every instance of a test join
        // before the group's first assignment, as real Kafka's group.initial.rebalance.delay.ms does.
        _broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { InitialRebalanceDelay = KafkaTestDefaults.InitialRebalanceDelay });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

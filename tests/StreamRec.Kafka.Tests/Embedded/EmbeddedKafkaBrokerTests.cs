using Confluent.Kafka;
using StreamRec.Kafka.Embedded;

namespace StreamRec.Kafka.Tests.Embedded;

public sealed class EmbeddedKafkaBrokerTests(EmbeddedKafkaBrokerFixture fixture) : IClassFixture<EmbeddedKafkaBrokerFixture>
{
    private readonly EmbeddedKafkaBroker _broker = fixture.Broker;

    [Fact]
    public async Task ProduceAndConsume_KeyedMessagesOnManyPartitions_EachArrivesOnceInPerKeyOrder()
    {
        const int Partitions = 6;
        const int Keys = 25;
        const int Messages = 3_000;
        var topic = KafkaTestClient.UniqueName("keyed");
        _broker.CreateTopic(topic, Partitions);
        using var timeout = new CancellationTokenSource(KafkaTestClient.RoundTripTimeout);

        var sent = Enumerable.Range(0, Messages).Select(i => (Key: $"user-{i % Keys}", Value: (i / Keys).ToString())).ToList();
        var deliveries = await KafkaTestClient.ProduceAsync(_broker.BootstrapServers, topic, sent, timeout.Token);
        var received = await KafkaTestClient.ConsumeAsync(_broker.BootstrapServers, topic, Messages, timeout.Token);

        Assert.All(deliveries, delivery => Assert.Equal(PersistenceStatus.Persisted, delivery.Status));
        Assert.Equal(Partitions, deliveries.Select(delivery => delivery.Partition.Value).Distinct().Count());
        Assert.Equal(Messages, received.Count);
        Assert.Equal(
            sent.Order().ToList(),
            received.Select(result => (result.Message.Key, result.Message.Value)).Order().ToList());
        foreach (var byKey in received.GroupBy(result => result.Message.Key))
        {
            // Values are per-key sequence numbers: arrival order must be exactly 0, 1, 2, ...
            Assert.Equal(Enumerable.Range(0, Messages / Keys), byKey.Select(result => int.Parse(result.Message.Value)));
            Assert.Single(byKey.Select(result => result.Partition).Distinct());
        }
    }

    [Fact]
    public async Task CreateTopic_WithPartitionCount_MetadataReportsThatManyPartitions()
    {
        var topic = KafkaTestClient.UniqueName("created");

        _broker.CreateTopic(topic, 7);

        Assert.Equal(7, await PartitionCountAsync(topic));
    }

    [Fact]
    public async Task CreateTopic_WithoutPartitionCount_UsesDefaultPartitions()
    {
        var topic = KafkaTestClient.UniqueName("defaulted");

        _broker.CreateTopic(topic);

        Assert.Equal(_broker.Options.DefaultPartitions, await PartitionCountAsync(topic));
    }

    [Fact]
    public void CreateTopic_ExistingName_ThrowsInvalidOperation()
    {
        var topic = KafkaTestClient.UniqueName("twice");
        _broker.CreateTopic(topic, 1);

        var error = Assert.Throws<InvalidOperationException>(() => _broker.CreateTopic(topic, 1));

        Assert.Contains(topic, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("has space")]
    public void CreateTopic_InvalidName_ThrowsArgument(string topicName) =>
        Assert.Throws<ArgumentException>("name", () => _broker.CreateTopic(topicName, 1));

    [Fact]
    public void CreateTopic_ZeroPartitions_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>("partitions", () => _broker.CreateTopic(KafkaTestClient.UniqueName("empty"), 0));

    [Fact]
    public void SetInitialRebalanceDelay_Negative_ThrowsArgumentOutOfRange() =>
        Assert.Throws<ArgumentOutOfRangeException>("delay", () => _broker.SetInitialRebalanceDelay(TimeSpan.FromMilliseconds(-1)));

    private Task<int> PartitionCountAsync(string topic) =>
        Task.Run(() =>
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _broker.BootstrapServers }).Build();
            var metadata = admin.GetMetadata(topic, KafkaTestClient.RoundTripTimeout);
            return Assert.Single(metadata.Topics).Partitions.Count;
        });
}

using StreamRec.Kafka.Embedded;

namespace StreamRec.Kafka.Tests.Embedded;

/// <summary>The broker driven by kcat, a client that shares no code path with this process's Confluent.Kafka.</summary>
public sealed class EmbeddedKafkaBrokerKcatTests(EmbeddedKafkaBrokerFixture fixture) : IClassFixture<EmbeddedKafkaBrokerFixture>
{
    private const int Messages = 200;

    private readonly EmbeddedKafkaBroker _broker = fixture.Broker;

    [SkippableFact]
    public async Task KcatProducer_KeyedLines_ConfluentConsumerReceivesEachOnce()
    {
        Skip.If(Kcat.Path is null, Kcat.MissingReason);
        var topic = KafkaTestClient.UniqueName("kcat-in");
        _broker.CreateTopic(topic, 3);
        using var timeout = new CancellationTokenSource(KafkaTestClient.RoundTripTimeout);
        var sent = Enumerable.Range(0, Messages).Select(i => (Key: $"item-{i % 7}", Value: $"event-{i}")).ToList();

        await Kcat.RunAsync(
            ["-b", _broker.BootstrapServers, "-t", topic, "-P", "-K", ":"],
            string.Concat(sent.Select(message => $"{message.Key}:{message.Value}\n")),
            timeout.Token);
        var received = await KafkaTestClient.ConsumeAsync(_broker.BootstrapServers, topic, Messages, timeout.Token);

        Assert.Equal(sent.Order().ToList(), received.Select(result => (result.Message.Key, result.Message.Value)).Order().ToList());
    }

    [SkippableFact]
    public async Task ConfluentProducer_KeyedMessages_KcatConsumerReadsEachOnce()
    {
        Skip.If(Kcat.Path is null, Kcat.MissingReason);
        var topic = KafkaTestClient.UniqueName("kcat-out");
        _broker.CreateTopic(topic, 3);
        using var timeout = new CancellationTokenSource(KafkaTestClient.RoundTripTimeout);
        var sent = Enumerable.Range(0, Messages).Select(i => (Key: $"item-{i % 7}", Value: $"event-{i}")).ToList();

        await KafkaTestClient.ProduceAsync(_broker.BootstrapServers, topic, sent, timeout.Token);
        var output = await Kcat.RunAsync(
            ["-b", _broker.BootstrapServers, "-t", topic, "-C", "-o", "beginning", "-e", "-q", "-f", "%k:%s\\n"],
            string.Empty,
            timeout.Token);

        var received = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(':', 2))
            .Select(parts => (Key: parts[0], Value: parts[1]))
            .ToList();
        Assert.Equal(sent.Order().ToList(), received.Order().ToList());
    }
}

using System.Net.Sockets;
using Confluent.Kafka;
using StreamRec.Kafka.Embedded;

namespace StreamRec.Kafka.Tests.Embedded;

/// <summary>Tests that need a broker of their own: fixed ports, several brokers, start-up and shutdown.</summary>
public sealed class EmbeddedKafkaBrokerLifecycleTests
{
    private static readonly string[] InvalidOptionsMessageFragments =
        ["BrokerCount", "Port", "DefaultPartitions", "InitialRebalanceDelay", "bad name", "partition"];

    [Fact]
    public async Task Start_WithFixedPort_ProducesAndConsumesThroughRelay()
    {
        var port = KafkaTestClient.FreeLoopbackPort();
        await using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Port = port });
        var topic = KafkaTestClient.UniqueName("relayed");
        broker.CreateTopic(topic, 3);
        using var timeout = new CancellationTokenSource(KafkaTestClient.RoundTripTimeout);
        var sent = Enumerable.Range(0, 500).Select(i => (Key: $"k{i % 10}", Value: $"v{i}")).ToList();

        await KafkaTestClient.ProduceAsync(broker.BootstrapServers, topic, sent, timeout.Token);
        var received = await KafkaTestClient.ConsumeAsync(broker.BootstrapServers, topic, sent.Count, timeout.Token);

        Assert.Equal($"127.0.0.1:{port}", broker.BootstrapServers);
        Assert.Equal(sent.Order().ToList(), received.Select(result => (result.Message.Key, result.Message.Value)).Order().ToList());
    }

    [Fact]
    public async Task Start_WithFixedPortAndThreeBrokers_MetadataAdvertisesConsecutiveRelayPorts()
    {
        var port = KafkaTestClient.FreeLoopbackPort();
        await using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Port = port, BrokerCount = 3 });

        var brokers = await Task.Run(() =>
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
            return admin.GetMetadata(KafkaTestClient.RoundTripTimeout).Brokers;
        });

        Assert.Equal(
            [(1, port), (2, port + 1), (3, port + 2)],
            brokers.Select(b => (b.BrokerId, b.Port)).Order().ToList());
        Assert.All(brokers, b => Assert.Equal("127.0.0.1", b.Host));
    }

    [Fact]
    public async Task Start_WithConfiguredTopics_CreatesThemWithTheirPartitionCounts()
    {
        var topics = new Dictionary<string, int>
        {
            [KafkaTestClient.UniqueName("one")] = 1,
            [KafkaTestClient.UniqueName("five")] = 5,
        };
        await using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Topics = topics });

        var partitions = await Task.Run(() =>
        {
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build();
            return admin.GetMetadata(KafkaTestClient.RoundTripTimeout).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
        });

        Assert.All(topics, topic => Assert.Equal(topic.Value, partitions[topic.Key]));
    }

    [Fact]
    public void Start_WithFixedPortInUse_ThrowsSocketException()
    {
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        holder.Listen();
        var port = ((System.Net.IPEndPoint)holder.LocalEndPoint!).Port;

        Assert.ThrowsAny<SocketException>(() => EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Port = port }));
    }

    [Fact]
    public void Start_WithInvalidOptions_ThrowsArgumentListingEveryProblem()
    {
        var options = new EmbeddedKafkaBrokerOptions
        {
            BrokerCount = 0,
            Port = 70_000,
            DefaultPartitions = 0,
            InitialRebalanceDelay = TimeSpan.FromSeconds(-1),
            Topics = new Dictionary<string, int> { ["bad name"] = 0 },
        };

        var error = Assert.Throws<ArgumentException>("options", () => EmbeddedKafkaBroker.Start(options));

        Assert.Equal(6, options.Validate().Count);
        Assert.All(
            InvalidOptionsMessageFragments,
            fragment => Assert.Contains(fragment, error.Message, StringComparison.Ordinal));
    }

    [Fact]
    public async Task DisposeAsync_WithRelayedClientConnected_ClosesConnectionAndFreesPort()
    {
        var port = KafkaTestClient.FreeLoopbackPort();
        var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Port = port });
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(System.Net.IPAddress.Loopback, port);

        await broker.DisposeAsync();

        // The relay closed its side: a read ends (0 bytes or a reset) instead of hanging.
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var buffer = new byte[1];
        var ended = await ReadEndsAsync(client, buffer, timeout.Token);
        Assert.True(ended);
        await using var again = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Port = port });
        Assert.Equal($"127.0.0.1:{port}", again.BootstrapServers);
    }

    [Fact]
    public async Task Dispose_CalledTwiceAndThenAsync_IsHarmless()
    {
        var broker = EmbeddedKafkaBroker.Start();

        broker.Dispose();
        broker.Dispose();
        await broker.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => broker.CreateTopic("after-dispose", 1));
    }

    private static async Task<bool> ReadEndsAsync(Socket socket, byte[] buffer, CancellationToken cancellationToken)
    {
        try
        {
            return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken) == 0;
        }
        catch (SocketException)
        {
            return true;
        }
    }
}

using System.Net;
using System.Runtime.InteropServices;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// An in-process Kafka-protocol broker for tests and local runs, backed by librdkafka's mock cluster
/// (the <c>librdkafka.redist</c> native library that Confluent.Kafka already ships). Any Kafka client,
/// in this process or outside it, connects through <see cref="BootstrapServers"/>.
/// </summary>
/// <remarks>
/// <para>
/// Supported: produce (including idempotent and transactional producers), fetch, consumer groups with
/// offset commits, metadata and automatic topic creation, on loopback only, without TLS or SASL.
/// </para>
/// <para>Known limits, all from the librdkafka mock:</para>
/// <list type="bullet">
/// <item><description>
/// Retention is bounded per partition (about 5 MB or 100,000 message batches); older batches are dropped
/// and a consumer that falls that far behind gets an offset-out-of-range error. Throughput tests must
/// consume concurrently or stay within that bound.
/// </description></item>
/// <item><description>Everything lives in memory and is lost on <see cref="Dispose"/>; there is no log compaction and no time-based retention.</description></item>
/// <item><description>The Admin API's CreateTopics is not supported: create topics with <see cref="CreateTopic(string, int)"/>, <see cref="EmbeddedKafkaBrokerOptions.Topics"/> or client auto-creation (always 4 partitions).</description></item>
/// <item><description>
/// All brokers share one network thread, so it is a functional stand-in, not a performance model of Kafka.
/// The mock API is experimental in librdkafka and may change between librdkafka versions.
/// </description></item>
/// <item><description>
/// A fixed <see cref="EmbeddedKafkaBrokerOptions.Port"/> is served by a relay in this process: the broker
/// still listens on an ephemeral port and only advertises the fixed one, so both must stay reachable.
/// </description></item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// await using var broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { Topics = new Dictionary&lt;string, int&gt; { ["events"] = 4 } });
/// var producerConfig = new ProducerConfig { BootstrapServers = broker.BootstrapServers };
/// </code>
/// </example>
public sealed class EmbeddedKafkaBroker : IAsyncDisposable, IDisposable
{
    private const string LoopbackHost = "127.0.0.1";

    private static readonly KeyValuePair<string, string>[] ClusterClientSettings =
    [
        new("client.id", "streamrec-embedded-broker"),

        // The owning client never connects anywhere; its notices (for example about a missing
        // bootstrap.servers) would only be noise on stderr, while warnings and errors still show.
        new("log_level", "4"),
    ];

    private readonly MockClusterHandle _cluster;
    private readonly IReadOnlyList<TcpRelay> _relays;
    private int _disposed;

    private EmbeddedKafkaBroker(EmbeddedKafkaBrokerOptions options, MockClusterHandle cluster, IReadOnlyList<TcpRelay> relays, string bootstrapServers)
    {
        Options = options;
        _cluster = cluster;
        _relays = relays;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The options this broker was started with.</summary>
    public EmbeddedKafkaBrokerOptions Options { get; }

    /// <summary>The comma-separated <c>host:port</c> list to give clients as <c>bootstrap.servers</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>Starts a single broker on an ephemeral loopback port with default options.</summary>
    /// <inheritdoc cref="Start(EmbeddedKafkaBrokerOptions)" path="/exception"/>
    public static EmbeddedKafkaBroker Start() => Start(new EmbeddedKafkaBrokerOptions());

    /// <summary>Validates <paramref name="options"/>, then starts the brokers and creates the configured topics.</summary>
    /// <returns>A running broker; it accepts connections as soon as this returns.</returns>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid; the message lists every problem.</exception>
    /// <exception cref="System.Net.Sockets.SocketException">A fixed port is already in use.</exception>
    /// <exception cref="DllNotFoundException">The librdkafka native library is not next to the application.</exception>
    /// <exception cref="InvalidOperationException">librdkafka could not create the cluster or a topic.</exception>
    public static EmbeddedKafkaBroker Start(EmbeddedKafkaBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Invalid embedded Kafka broker options: {string.Join(" ", errors)}", nameof(options));
        }

        LibrdkafkaLoader.EnsureLoaded();
        var cluster = MockClusterHandle.Create(options.BrokerCount, ClusterClientSettings);
        var relays = new List<TcpRelay>();
        try
        {
            var listeners = ParseListeners(Marshal.PtrToStringUTF8(NativeMethods.MockClusterBootstraps(cluster)), options.BrokerCount);
            NativeMethods.MockGroupInitialRebalanceDelayMs(cluster, (int)options.InitialRebalanceDelay.TotalMilliseconds);
            foreach (var (name, partitions) in options.Topics)
            {
                CreateTopic(cluster, name, partitions, options.BrokerCount);
            }

            var bootstrapServers = string.Join(",", listeners.Select(endPoint => $"{LoopbackHost}:{endPoint.Port}"));
            if (options.Port is { } firstPort)
            {
                for (var brokerId = 1; brokerId <= options.BrokerCount; brokerId++)
                {
                    var port = firstPort + brokerId - 1;
                    relays.Add(TcpRelay.Start(new IPEndPoint(IPAddress.Loopback, port), listeners[brokerId - 1]));

                    // Metadata responses now send clients to the relay, so every later connection goes through it too.
                    NativeMethods.MockBrokerSetHostPort(cluster, brokerId, LoopbackHost, port);
                }

                bootstrapServers = string.Join(",", relays.Select(relay => $"{LoopbackHost}:{relay.ListenEndPoint.Port}"));
            }

            return new EmbeddedKafkaBroker(options, cluster, relays, bootstrapServers);
        }
        catch
        {
            foreach (var relay in relays)
            {
                relay.Dispose();
            }

            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Creates a topic with <see cref="EmbeddedKafkaBrokerOptions.DefaultPartitions"/> partitions.</summary>
    /// <inheritdoc cref="CreateTopic(string, int)" path="/exception"/>
    public void CreateTopic(string name) => CreateTopic(name, Options.DefaultPartitions);

    /// <summary>Creates a topic with <paramref name="partitions"/> partitions, replicated on up to three brokers.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is not a valid Kafka topic name.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="partitions"/> is less than 1.</exception>
    /// <exception cref="InvalidOperationException">The broker refused, for example because the topic exists.</exception>
    /// <exception cref="ObjectDisposedException">The broker has been disposed.</exception>
    public void CreateTopic(string name, int partitions)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (EmbeddedKafkaBrokerOptions.ValidateTopicName(name) is { } nameError)
        {
            throw new ArgumentException(nameError, nameof(name));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        CreateTopic(_cluster, name, partitions, Options.BrokerCount);
    }

    /// <summary>
    /// Sets how long the group coordinator waits for more members before a new consumer group's
    /// first rebalance; applies to groups formed after the call.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="delay"/> is negative or longer than <see cref="int.MaxValue"/> ms.</exception>
    /// <exception cref="ObjectDisposedException">The broker has been disposed.</exception>
    public void SetInitialRebalanceDelay(TimeSpan delay)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (EmbeddedKafkaBrokerOptions.ValidateDelay(delay) is { } delayError)
        {
            throw new ArgumentOutOfRangeException(nameof(delay), delay, delayError);
        }

        NativeMethods.MockGroupInitialRebalanceDelayMs(_cluster, (int)delay.TotalMilliseconds);
    }

    /// <summary>
    /// Fault injection: every broker drops its connections and refuses new ones, keeping its data, as a broker
    /// outage does; <see cref="SetBrokersUp"/> ends it on the same ports.
    /// </summary>
    /// <exception cref="ObjectDisposedException">The broker has been disposed.</exception>
    public void SetBrokersDown() => Check(NativeMethods.MockBrokerSetDown(Cluster, -1), "set the brokers down");

    /// <summary>Ends <see cref="SetBrokersDown"/>: the brokers accept connections again, with their data intact.</summary>
    /// <exception cref="ObjectDisposedException">The broker has been disposed.</exception>
    public void SetBrokersUp() => Check(NativeMethods.MockBrokerSetUp(Cluster, -1), "set the brokers up");

    /// <summary>
    /// Fault injection: makes a partition leaderless (<paramref name="brokerId"/> null), so nothing can be written to
    /// or read from it, or gives it a leader again (broker ids start at 1).
    /// </summary>
    /// <exception cref="ObjectDisposedException">The broker has been disposed.</exception>
    public void SetPartitionLeader(string topic, int partition, int? brokerId) =>
        Check(NativeMethods.MockPartitionSetLeader(Cluster, topic, partition, brokerId ?? -1), $"set the leader of {topic}[{partition}]");

    private MockClusterHandle Cluster
    {
        get
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return _cluster;
        }
    }

    private static void Check(int error, string what)
    {
        if (error != NativeMethods.NoError)
        {
            throw new InvalidOperationException($"The embedded broker could not {what}: {NativeMethods.ErrorText(error)}");
        }
    }

    /// <summary>Closes relayed connections, then stops the brokers; all data is discarded.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            foreach (var relay in _relays)
            {
                await relay.DisposeAsync();
            }
        }
        finally
        {
            _cluster.Dispose();
        }
    }

    /// <summary>Stops the relays without waiting for their connections to wind down, then stops the brokers.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var relay in _relays)
        {
            relay.Dispose();
        }

        _cluster.Dispose();
    }

    private static void CreateTopic(MockClusterHandle cluster, string name, int partitions, int brokerCount)
    {
        var err = NativeMethods.MockTopicCreate(cluster, name, partitions, replicationFactor: Math.Min(3, brokerCount));
        if (err != NativeMethods.NoError)
        {
            throw new InvalidOperationException($"The embedded broker could not create topic '{name}' with {partitions} partition(s): {NativeMethods.ErrorText(err)}.");
        }
    }

    /// <summary>Reads the mock's <c>host:port,...</c> list, which is in broker id order, 1 first.</summary>
    private static List<IPEndPoint> ParseListeners(string? bootstraps, int brokerCount)
    {
        var listeners = (bootstraps ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => IPEndPoint.TryParse(entry, out var endPoint)
                ? endPoint
                : throw new InvalidOperationException($"Unexpected mock broker listener '{entry}' in '{bootstraps}'."))
            .ToList();
        return listeners.Count == brokerCount
            ? listeners
            : throw new InvalidOperationException($"Expected {brokerCount} mock broker listener(s), librdkafka reported '{bootstraps}'.");
    }
}

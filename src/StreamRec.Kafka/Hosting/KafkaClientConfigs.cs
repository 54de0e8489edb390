using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Options;

namespace StreamRec.Kafka.Hosting;

/// <summary>
/// librdkafka configurations of StreamRec's clients: StreamRec's defaults, then the pass-through settings
/// (<see cref="KafkaOptions.Client"/>, then the per-client ones), then the few settings the delivery
/// guarantees depend on, which cannot be overridden.
/// </summary>
public static class KafkaClientConfigs
{
    /// <summary>The consumer-group member over the user topics.</summary>
    public static ConsumerConfig GroupConsumer(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ConsumerConfig(Merge(options, options.Consumer, new Dictionary<string, string>
        {
            ["auto.offset.reset"] = "earliest",
            ["client.id"] = $"{options.InstanceId}-users",

            // Range assigns the same partition number of every user topic to one member: co-partitioning.
            ["partition.assignment.strategy"] = "range",
        }))
        {
            GroupId = options.GroupId,

            // Static membership: a restarted instance with the same id takes its partitions back without a rebalance.
            GroupInstanceId = options.GroupInstanceId,

            // Offsets are committed by the source only after the sink's acknowledgement.
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        return config;
    }

    /// <summary>The global reader of the rooms topic: no group membership, no commits.</summary>
    public static ConsumerConfig RoomsConsumer(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ConsumerConfig(Merge(options, options.Consumer, new Dictionary<string, string>
        {
            ["client.id"] = $"{options.InstanceId}-rooms",
        }))
        {
            // librdkafka wants a group id even for manual assignment; it never joins or commits to it.
            GroupId = $"{options.GroupId}.rooms.{options.InstanceId}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
        return config;
    }

    /// <summary>The reader of the aggregate exchange: every partition from the start, no group membership, no commits.</summary>
    public static ConsumerConfig ExchangeReader(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConsumerConfig(Merge(options, options.Consumer, new Dictionary<string, string>
        {
            ["client.id"] = $"{options.InstanceId}-exchange",
        }))
        {
            GroupId = $"{options.GroupId}.exchange.{options.InstanceId}",
            EnableAutoCommit = false,

            // A position that retention deleted under a slow reader goes back to the oldest record kept, never to the end.
            AutoOffsetReset = AutoOffsetReset.Earliest,
        };
    }

    /// <summary>Reads one changelog partition for a restore: manual assignment, no group membership, no commits.</summary>
    public static ConsumerConfig ChangelogReader(KafkaOptions options, int partition)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConsumerConfig(Merge(options, options.Consumer, new Dictionary<string, string>
        {
            ["client.id"] = $"{options.InstanceId}-restore-{partition}",
        }))
        {
            GroupId = $"{options.GroupId}.restore.{options.InstanceId}",
            EnableAutoCommit = false,
            EnablePartitionEof = true,
        };
    }

    /// <summary>The one producer of the process.</summary>
    public static ProducerConfig Producer(KafkaOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new ProducerConfig(Merge(options, options.Producer, new Dictionary<string, string>
        {
            ["client.id"] = $"{options.InstanceId}-producer",
            ["linger.ms"] = "5",
            ["compression.type"] = "lz4",
            ["queue.buffering.max.messages"] = Math.Max(100_000, options.MaxInFlightMessages * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }))
        {
            // Idempotence keeps per-key (per-user) order across retries and implies acks=all.
            EnableIdempotence = true,

            // Java's partitioner (murmur2), which the pipeline's state partitioning mirrors for file replays.
            Partitioner = Partitioner.Murmur2Random,
        };
        return config;
    }

    /// <summary>Creates the producer the pipeline's sink and metrics share; its errors and logs go to <paramref name="logger"/>.</summary>
    public static IProducer<byte[]?, byte[]?> CreateProducer(KafkaOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        var name = $"{options.InstanceId}-producer";
        var throttle = new LogThrottle(TimeSpan.FromSeconds(30), TimeProvider.System);
        return new ProducerBuilder<byte[]?, byte[]?>(Producer(options))
            .SetErrorHandler((_, error) =>
            {
                // A fatal producer error also fails every later delivery, which fails the stream.
                if (error.IsFatal)
                {
                    Log.FatalError(logger, name, error.Reason, error.Code);
                }
                else
                {
                    Log.ClientError(logger, throttle, name, error);
                }
            })
            .SetLogHandler((_, message) => Log.Librdkafka(logger, throttle, name, message))
            .Build();
    }

    private static Dictionary<string, string> Merge(KafkaOptions options, IReadOnlyDictionary<string, string> specific, Dictionary<string, string> defaults)
    {
        foreach (var (key, value) in options.Client)
        {
            defaults[key] = value;
        }

        foreach (var (key, value) in specific)
        {
            defaults[key] = value;
        }

        defaults["bootstrap.servers"] = options.BootstrapServers;
        return defaults;
    }
}

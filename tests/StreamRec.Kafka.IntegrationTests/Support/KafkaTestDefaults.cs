using StreamRec.Kafka.Options;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>Settings shared by the Kafka integration tests.</summary>
internal static class KafkaTestDefaults
{
    /// <summary>
    /// Enough for two instances started together to join before the first assignment, even when CI runs
    /// every test assembly at once on two cores (2 s was not: the second instance joined late and the
    /// first one was briefly assigned everything).
    /// </summary>
    public static readonly TimeSpan InitialRebalanceDelay = TimeSpan.FromSeconds(5);

    /// <summary>Upper bound of one test's Kafka round trips; a hang fails instead of blocking the suite.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Consumer settings for tests that run instances of one group in turn: a 6 s session, so a member that did not
    /// leave holds its partitions for 6 s rather than 45, and short fetch waits.
    /// </summary>
    public static IReadOnlyDictionary<string, string> FastRejoin { get; } =
        new Dictionary<string, string> { ["fetch.wait.max.ms"] = "20", ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "1000" };

    /// <summary>Fresh, uniquely named topics, so tests sharing a broker never see each other's data.</summary>
    public static KafkaTopics UniqueTopics(string test)
    {
        var prefix = $"{test}-{Guid.NewGuid():N}";
        return new KafkaTopics
        {
            Clicks = $"{prefix}.clicks",
            Comments = $"{prefix}.comments",
            Purchases = $"{prefix}.purchases",
            Privacy = $"{prefix}.privacy",
            Rooms = $"{prefix}.rooms",
            Deltas = $"{prefix}.deltas",
            DeadLetters = $"{prefix}.dlq",
            Metrics = $"{prefix}.metrics",
            Changelog = $"{prefix}.changelog",
            Aggregates = $"{prefix}.aggregates",
        };
    }

    /// <summary>
    /// A run that ends once caught up, and whose merge waits long enough for every partition that it never
    /// goes on without one: the order is then a function of the data alone.
    /// </summary>
    public static KafkaOptions Options(string bootstrapServers, KafkaTopics topics, string instanceId, string? groupId = null) => new()
    {
        BootstrapServers = bootstrapServers,
        GroupId = groupId ?? $"group-{Guid.NewGuid():N}",
        InstanceId = instanceId,
        Topics = topics,
        StopWhenCaughtUp = true,
        MergeWait = TimeSpan.FromSeconds(30),
        PartitionIdleTimeout = TimeSpan.FromSeconds(30),
        PollTimeout = TimeSpan.FromMilliseconds(20),
        CommitInterval = TimeSpan.FromMilliseconds(200),
        Consumer = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "20" },
    };
}

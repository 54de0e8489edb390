using System.Collections.Immutable;

namespace StreamRec.Kafka.Options;

/// <summary>
/// How the pipeline talks to Kafka. Immutable; <see cref="Validate"/> runs at start-up and lists every
/// problem at once. Bound from the <c>Kafka</c> configuration section by <c>streamrec run</c>.
/// </summary>
public sealed record KafkaOptions
{
    /// <summary>Comma-separated <c>host:port</c> list.</summary>
    public string BootstrapServers { get; init; } = string.Empty;

    /// <summary>Consumer group that splits the user topics' partitions between instances.</summary>
    public string GroupId { get; init; } = "streamrec";

    /// <summary>Names this instance in metrics (the key of its snapshots) and in client ids.</summary>
    public string InstanceId { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    public KafkaTopics Topics { get; init; } = new();

    /// <summary>
    /// Static group membership (<c>group.instance.id</c>), e.g. a StatefulSet pod's name: a restarted instance with
    /// the same id gets its partitions back at once instead of after a rebalance. Such a member does not leave the
    /// group when it stops, so its partitions wait for it (up to <c>session.timeout.ms</c>) rather than moving on.
    /// Null (the default): dynamic membership, and a graceful stop leaves the group.
    /// </summary>
    public string? GroupInstanceId { get; init; }

    /// <summary>
    /// How long the brokers may stay unreachable before the pipeline fails with a clear message and a non-zero exit
    /// code, so that a supervisor restarts it. Shorter outages are ridden out: the clients reconnect and carry on.
    /// </summary>
    public TimeSpan BrokerOutageTolerance { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// librdkafka settings passed through to every client, e.g. <c>security.protocol</c>, <c>sasl.mechanism</c>,
    /// <c>sasl.username</c>, <c>ssl.ca.location</c>. Applied before StreamRec's own settings, which win.
    /// </summary>
    public IReadOnlyDictionary<string, string> Client { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>librdkafka settings for the consumers only (applied after <see cref="Client"/>).</summary>
    public IReadOnlyDictionary<string, string> Consumer { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>librdkafka settings for the producer only (applied after <see cref="Client"/>).</summary>
    public IReadOnlyDictionary<string, string> Producer { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Longest a consumer poll blocks; bounds how quickly commits, pauses and stop requests are served.</summary>
    public TimeSpan PollTimeout { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Records buffered per partition before it is paused; it resumes below half of this.</summary>
    public int MaxBufferedRecordsPerPartition { get; init; } = 20_000;

    /// <summary>
    /// How long the event-time merge waits for an input partition that has no buffered record but has not
    /// reached its end, before going on without it. Longer is more faithful to event time, shorter is
    /// lower latency when one partition is slow.
    /// </summary>
    public TimeSpan MergeWait { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Wall time a partition may have nothing buffered before it is idle: an idle partition no longer holds the
    /// watermark back (Flink's idleness), and the partitions ahead of it stop waiting for it.
    /// </summary>
    public TimeSpan PartitionIdleTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How far ahead of a partition that holds the watermark back, and has nothing buffered, the merge takes
    /// records before it waits for that partition (watermark alignment). Keep it above
    /// <see cref="PartitionIdleTimeout"/> so live traffic never waits for a quiet partition.
    /// </summary>
    public TimeSpan MaxWatermarkDrift { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Wall time with no input after which event time is advanced by a watermark, so pending re-ranks still run.</summary>
    public TimeSpan IdleWatermarkAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How often acknowledged offsets are committed (also on revocation and shutdown).</summary>
    public TimeSpan CommitInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Most produced messages waiting for their delivery report before the sink stops pulling.</summary>
    public int MaxInFlightMessages { get; init; } = 50_000;

    /// <summary>
    /// Largest dead-letter message written to the DLQ topic (key, value and headers). A bigger copy keeps a prefix
    /// of the value, with the original's size and SHA-256 in headers. Keep it at or below the DLQ topic's
    /// <c>max.message.bytes</c> and the producer's <c>message.max.bytes</c> (both about 1 MB by default).
    /// </summary>
    public int MaxDeadLetterBytes { get; init; } = Producing.DeadLetterHeaders.DefaultMaxMessageBytes;

    /// <summary>How often a metrics snapshot is published.</summary>
    public TimeSpan MetricsInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// End the run once every assigned partition has been read to its end and processed (a backfill or a
    /// test); otherwise the pipeline runs until stopped.
    /// </summary>
    public bool StopWhenCaughtUp { get; init; }

    /// <summary>
    /// Exchange room-aggregate contributions with the other instances through <see cref="KafkaTopics.Aggregates"/>, so
    /// every instance's popularity, conversion, audiences and co-engagement count every partition's users (on by
    /// default). Off, each instance's aggregates count only the partitions it processes.
    /// </summary>
    public bool ExchangeAggregates { get; init; } = true;

    /// <summary>Longest a graceful stop waits for in-flight batches to be produced and committed.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A pass-through producer setting as librdkafka will see it (producer-specific settings win), or null.</summary>
    private string? ProducerSetting(string name) =>
        Producer.TryGetValue(name, out var value) ? value : Client.TryGetValue(name, out value) ? value : null;

    /// <summary>Throws <see cref="ArgumentException"/> listing every invalid setting.</summary>
    public KafkaOptions Validate()
    {
        var errors = new List<string>();
        void Check(bool ok, string message)
        {
            if (!ok)
            {
                errors.Add(message);
            }
        }

        Check(!string.IsNullOrWhiteSpace(BootstrapServers), "BootstrapServers must name at least one host:port.");
        Check(!string.IsNullOrWhiteSpace(GroupId), "GroupId must not be empty.");
        Check(!string.IsNullOrWhiteSpace(InstanceId), "InstanceId must not be empty.");
        if (Topics is null)
        {
            errors.Add("Topics must not be null.");
        }
        else
        {
            errors.AddRange(Topics.Validate());
        }

        Check(Client is not null && Consumer is not null && Producer is not null, "Client, Consumer and Producer settings must not be null.");
        foreach (var (name, value) in new[]
                 {
                     (nameof(PollTimeout), PollTimeout), (nameof(IdleWatermarkAfter), IdleWatermarkAfter),
                     (nameof(CommitInterval), CommitInterval), (nameof(MetricsInterval), MetricsInterval),
                     (nameof(ShutdownTimeout), ShutdownTimeout), (nameof(BrokerOutageTolerance), BrokerOutageTolerance),
                 })
        {
            Check(value > TimeSpan.Zero && value <= TimeSpan.FromDays(1), $"{name} must be positive and at most a day, got {value}.");
        }

        Check(MergeWait >= TimeSpan.Zero && MergeWait <= TimeSpan.FromHours(1), $"MergeWait must be between zero and an hour, got {MergeWait}.");
        Check(PartitionIdleTimeout >= MergeWait && PartitionIdleTimeout <= TimeSpan.FromHours(1), $"PartitionIdleTimeout must be between MergeWait and an hour, got {PartitionIdleTimeout}.");
        Check(MaxWatermarkDrift >= TimeSpan.Zero && MaxWatermarkDrift <= TimeSpan.FromDays(1), $"MaxWatermarkDrift must be between zero and a day, got {MaxWatermarkDrift}.");
        Check(MaxBufferedRecordsPerPartition is >= 2 and <= 10_000_000, $"MaxBufferedRecordsPerPartition must be in [2, 10000000], got {MaxBufferedRecordsPerPartition}.");
        Check(GroupInstanceId is null || !string.IsNullOrWhiteSpace(GroupInstanceId), "GroupInstanceId must be null or a non-empty name.");
        Check(MaxInFlightMessages is >= 1 and <= 1_000_000, $"MaxInFlightMessages must be in [1, 1000000], got {MaxInFlightMessages}.");
        Check(MaxDeadLetterBytes is >= 4096 and <= 1_000_000_000, $"MaxDeadLetterBytes must be in [4096, 1000000000], got {MaxDeadLetterBytes}.");
        if (Client is not null && Producer is not null && ProducerSetting("message.max.bytes") is { } limit)
        {
            Check(int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var max) && MaxDeadLetterBytes <= max,
                $"MaxDeadLetterBytes ({MaxDeadLetterBytes}) must not exceed the producer's message.max.bytes ({limit}).");
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid Kafka options:" + Environment.NewLine + string.Join(Environment.NewLine, errors));
        }

        return this;
    }
}

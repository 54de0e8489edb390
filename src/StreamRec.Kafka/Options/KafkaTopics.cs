namespace StreamRec.Kafka.Options;

/// <summary>
/// Names of the topics StreamRec reads and writes. The user topics are keyed by <c>user_id</c> and must be
/// co-partitioned (same partition count), so one instance sees all of a user's events.
/// </summary>
public sealed record KafkaTopics
{
    public string Clicks { get; init; } = "live.clicks";

    public string Comments { get; init; } = "live.comments";

    public string Purchases { get; init; } = "live.purchases";

    /// <summary>
    /// Privacy requests (<c>user_forget</c>), keyed by <c>user_id</c> and co-partitioned with the user topics, so a
    /// request reaches the instance that holds the user's state.
    /// </summary>
    public string Privacy { get; init; } = "live.privacy";

    /// <summary>Room lifecycle, keyed by <c>room_id</c>; read in full by every instance, like a global table.</summary>
    public string Rooms { get; init; } = "live.rooms";

    /// <summary>Recommendation deltas, keyed by <c>user_id</c>.</summary>
    public string Deltas { get; init; } = "recs.deltas";

    /// <summary>Rejected input records, with the Kafka Streams error headers and the original bytes.</summary>
    public string DeadLetters { get; init; } = "streamrec.dlq";

    /// <summary>Periodic JSON snapshots of the pipeline counters, keyed by instance id.</summary>
    public string Metrics { get; init; } = "streamrec.metrics";

    /// <summary>
    /// Durable state's changelog, keyed by <c>user_id</c>, partition p holding the users of the user topics' partition
    /// p: what an instance restores a partition from when it moves to it. Compacted on real Kafka.
    /// </summary>
    public string Changelog { get; init; } = "streamrec.changelog";

    /// <summary>
    /// The room-aggregate exchange, keyed by user partition: each instance publishes what its partitions' users added to
    /// room popularity, conversion, audiences and co-engagement at each tick close, and reads every instance's, so that
    /// all instances rank against the same aggregates. Any partition count; time-based retention (a joining instance
    /// rebuilds the aggregates from what is retained).
    /// </summary>
    public string Aggregates { get; init; } = "streamrec.aggregates";

    /// <summary>The topics split across the consumer group (co-partitioned: the same partition count).</summary>
    public IReadOnlyList<string> UserTopics => [Clicks, Comments, Purchases, Privacy];

    /// <summary>Every topic, inputs first.</summary>
    public IReadOnlyList<string> All => [Clicks, Comments, Purchases, Privacy, Rooms, Deltas, DeadLetters, Metrics, Changelog, Aggregates];

    /// <summary>Lists every problem: invalid names, or one name used for two roles.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var name in All)
        {
            if (TopicName.Validate(name) is { } error)
            {
                errors.Add($"Topics: {error}");
            }
        }

        foreach (var duplicate in All.GroupBy(name => name, StringComparer.Ordinal).Where(group => group.Count() > 1))
        {
            errors.Add($"Topics: '{duplicate.Key}' is used for {duplicate.Count()} roles; each role needs its own topic.");
        }

        return errors;
    }
}

using Confluent.Kafka;
using StreamRec.Kafka.Outage;

namespace StreamRec.Kafka.Consuming;

/// <summary>
/// Control handle of a materialized Kafka source (its materialized value). <see cref="Stop"/> ends the
/// source so the stream drains; once the stream has completed, <see cref="ShutdownAsync"/> commits what
/// the sink acknowledged, closes and disposes the consumers. Always call <see cref="ShutdownAsync"/>.
/// </summary>
public sealed class KafkaSourceControl
{
    private readonly ConsumerOwner _users;
    private readonly ConsumerOwner _rooms;
    private readonly TaskCompletionSource _stopRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal KafkaSourceControl(ConsumerOwner users, ConsumerOwner rooms, BrokerOutageMonitor outage, ExchangeReader? exchange = null)
    {
        _users = users;
        _rooms = rooms;
        Outage = outage;
        Exchange = exchange;
    }

    /// <summary>Whether the brokers are unreachable right now (and since when), as the consumers see it.</summary>
    public DateTimeOffset? BrokersUnreachableSince => Outage.DownSince;

    internal BrokerOutageMonitor Outage { get; }

    /// <summary>The user-topic partitions this instance owns right now.</summary>
    public IReadOnlyList<TopicPartition> Assignment => _users.Inputs.Where(input => !input.IsRevoked).Select(input => input.Partition).ToArray();

    /// <summary>Completes with the first user-topic assignment the consumer group gave this instance.</summary>
    public Task<IReadOnlyList<TopicPartition>> FirstAssignment => _users.FirstAssignment;

    /// <summary>Unprocessed records per input partition (<c>topic[partition]</c>), refreshed about once a second.</summary>
    public IReadOnlyDictionary<string, long> ConsumerLag =>
        _users.Lag.Concat(_rooms.Lag).ToDictionary(entry => entry.Key, entry => entry.Value, StringComparer.Ordinal);

    /// <summary>Records deleted by retention between the stored positions and the logs' start (see <see cref="ConsumerOwner.SkippedByRetention"/>).</summary>
    public long SkippedByRetention => _users.SkippedByRetention + _rooms.SkippedByRetention;

    /// <summary>True while a partition that moved to this instance is being restored from the changelog.</summary>
    public bool Restoring => _users.Restoring;

    /// <summary>Changelog records read to restore partitions that moved here (0 without a changelog).</summary>
    public long RestoredRecords => _users.RestoredRecords;

    /// <summary>Wall time those restores spent reading the changelog.</summary>
    public TimeSpan RestoreTime => _users.RestoreTime;

    /// <summary>Restores of them that read only the changelog's tail, on top of the local store.</summary>
    public long IncrementalRestores => _users.IncrementalRestores;

    internal Task StopRequested => _stopRequested.Task;

    /// <summary>Completes when backpressure first paused a user-topic partition.</summary>
    internal Task FirstPause => _users.FirstPause;

    internal ConsumerOwner Users => _users;

    internal ConsumerOwner Rooms => _rooms;

    /// <summary>The reader of the room-aggregate exchange, or null when the exchange is off.</summary>
    internal ExchangeReader? Exchange { get; }

    /// <summary>Records read from the room-aggregate exchange (0 when it is off).</summary>
    public long ExchangeRecordsRead => Exchange?.Read ?? 0;

    /// <summary>Stops emitting: the source completes and what is in flight drains through the stream.</summary>
    public void Stop() => _stopRequested.TrySetResult();

    /// <summary>Commits acknowledged offsets, then closes (leaving the group) and disposes both consumers.</summary>
    public async ValueTask ShutdownAsync(CancellationToken cancellationToken)
    {
        Stop();
        try
        {
            await Task.WhenAll(_users.StopAsync(), _rooms.StopAsync(), Exchange?.StopAsync() ?? Task.CompletedTask).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Outage.Dispose();
        }
    }
}

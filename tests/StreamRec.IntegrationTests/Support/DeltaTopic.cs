using System.Text.Json;
using Confluent.Kafka;

namespace StreamRec.IntegrationTests.Support;

/// <summary>
/// A consumer of recs.deltas, as a downstream service would be one: it follows the topic from the beginning while
/// the pipeline runs (so a test can act once a number of deltas went out) and reads it to its end afterwards.
/// </summary>
internal sealed class DeltaTopic : IDisposable
{
    private const string Topic = "recs.deltas";
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _follower;
    private readonly List<(long Count, TaskCompletionSource Reached)> _awaited = [];
    private readonly string _bootstrapServers;
    private readonly int _partitions;
    private long _count;

    public DeltaTopic(string bootstrapServers, int partitions)
    {
        _bootstrapServers = bootstrapServers;
        _partitions = partitions;
        _follower = new Thread(Follow) { IsBackground = true, Name = "delta-follower" };
        _follower.Start();
    }

    public long Count => Interlocked.Read(ref _count);

    /// <summary>Completes once at least <paramref name="count"/> messages are on the topic.</summary>
    public Task AtLeast(long count)
    {
        lock (_awaited)
        {
            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (Count >= count)
            {
                reached.SetResult();
            }

            _awaited.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Every message, partition by partition from the beginning to its end: (key, seq, top), seq and top null for a tombstone.</summary>
    public static IReadOnlyList<(string User, long? Seq, string? Top)> ReadAll(string bootstrapServers, int partitions, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var consumer = Build(bootstrapServers, partitions, eof: true);
        var received = new List<(string, long?, string?)>();
        var atEnd = new HashSet<int>();
        while (atEnd.Count < partitions)
        {
            var result = consumer.Consume(cancel.Token);
            if (result.IsPartitionEOF)
            {
                atEnd.Add(result.Partition.Value);
                continue;
            }

            if (result.Message.Value is null)
            {
                received.Add((result.Message.Key, null, null));
                continue;
            }

            using var delta = JsonDocument.Parse(result.Message.Value);
            received.Add((result.Message.Key, delta.RootElement.GetProperty("seq").GetInt64(), delta.RootElement.GetProperty("top").GetRawText()));
        }

        consumer.Close();
        return received;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _follower.Join();
        _stop.Dispose();
    }

    private static IConsumer<string, string?> Build(string bootstrapServers, int partitions, bool eof)
    {
        var consumer = new ConsumerBuilder<string, string?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"delta-reader-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            EnablePartitionEof = eof,
        }).Build();

        // Manual assignment: no group to join, so no rebalance delay.
        consumer.Assign(Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(Topic, p, Offset.Beginning)));
        return consumer;
    }

    private void Follow()
    {
        using var consumer = Build(_bootstrapServers, _partitions, eof: false);
        try
        {
            while (true)
            {
                consumer.Consume(_stop.Token);
                var count = Interlocked.Increment(ref _count);
                lock (_awaited)
                {
                    foreach (var (wanted, reached) in _awaited)
                    {
                        if (count >= wanted)
                        {
                            reached.TrySetResult();
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            consumer.Close();
        }
    }
}

using System.Diagnostics;
using Confluent.Kafka;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>
/// Follows topics from their beginning as records arrive, so a test waits for an instance's output itself (a
/// checkpoint's changelog records, a delta) with a deadline, instead of sleeping.
/// </summary>
internal sealed class TopicWatch : IDisposable
{
    private readonly IConsumer<byte[]?, byte[]?> _consumer;

    public TopicWatch(string bootstrapServers, IEnumerable<string> topics, int partitions)
    {
        _consumer = new ConsumerBuilder<byte[]?, byte[]?>(new ConsumerConfig
        {
            BootstrapServers = bootstrapServers,
            GroupId = $"watch-{Guid.NewGuid():N}",
            EnableAutoCommit = false,
            FetchWaitMaxMs = 20,
        }).Build();
        _consumer.Assign(topics.SelectMany(t => Enumerable.Range(0, partitions).Select(p => new TopicPartitionOffset(t, p, Offset.Beginning))));
    }

    /// <summary>
    /// Reads on until <paramref name="done"/> holds for a record (each record is passed to it once, in arrival order);
    /// throws naming <paramref name="what"/> when none did within <paramref name="timeout"/> or <paramref name="gone"/> says the writer died.
    /// </summary>
    public Task UntilAsync(Func<ConsumeResult<byte[]?, byte[]?>, bool> done, string what, TimeSpan timeout, Func<bool> gone) =>
        Task.Run(() =>
        {
            var started = Stopwatch.GetTimestamp();
            while (Stopwatch.GetElapsedTime(started) < timeout)
            {
                if (_consumer.Consume(TimeSpan.FromMilliseconds(100)) is { IsPartitionEOF: false } result && done(result))
                {
                    return;
                }

                if (gone())
                {
                    throw new InvalidOperationException($"The instance exited before {what}.");
                }
            }

            throw new TimeoutException($"No {what} within {timeout}.");
        });

    public void Dispose()
    {
        _consumer.Close();
        _consumer.Dispose();
    }
}

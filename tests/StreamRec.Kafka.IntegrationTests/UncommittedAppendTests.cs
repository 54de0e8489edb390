using System.Text;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;
using Xunit.Abstractions;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// An instance killed after a checkpoint's changelog append and before its local commit, then restarted on the same
/// state directory: its local store is one checkpoint behind the changelog it wrote itself. The restart must carry on
/// from the local checkpoint as a whole (users, rooms and every input position together), so every list it sends is
/// one the uninterrupted run sent under the same seq, and the changelog up to what its next commit accounts for must
/// be that commit's users (the killed tail's records, from ahead of the local checkpoint, written over).
/// </summary>
public sealed class UncommittedAppendTests(EmbeddedKafkaCluster cluster, ITestOutputHelper output) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 4;

    /// <summary>A checkpoint after nearly every batch, so each kill lands well inside the input.</summary>
    private static readonly PipelineOptions Pipeline = new() { CheckpointInterval = TimeSpan.FromMilliseconds(1), BatchSize = 128 };

    [Fact]
    public async Task Run_KilledBetweenAChangelogAppendAndItsLocalCommit_RestartSendsOnlyTheUninterruptedRunsListsAndMendsTheChangelog()
    {
        using var timeout = new CancellationTokenSource(4 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var referenceTopics = KafkaTestDefaults.UniqueTopics("uncommitted-reference");
        var topics = KafkaTestDefaults.UniqueTopics("uncommitted");
        await cluster.CreateTopicsAsync([.. referenceTopics.All, .. topics.All], Partitions);
        var reference = Options(referenceTopics, "reference");
        var kafka = Options(topics, "crashed");
        var referenceDirectory = Directory.CreateTempSubdirectory("streamrec-uncommitted-reference-").FullName;
        var directory = Directory.CreateTempSubdirectory("streamrec-uncommitted-").FullName;
        using var ends = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = cluster.BootstrapServers, GroupId = $"ends-{Guid.NewGuid():N}" }).Build();
        long[] ChangelogEnds() => [.. Enumerable.Range(0, Partitions)
            .Select(p => ends.QueryWatermarkOffsets(new TopicPartition(topics.Changelog, p), KafkaTestDefaults.Timeout).High.Value)];
        try
        {
            await log.ProduceAsync(reference, timeout.Token);
            await log.ProduceAsync(kafka, timeout.Token);
            await DurableRun.RunAsync(reference, Pipeline, referenceDirectory, timeout.Token);

            // Killed in its first checkpoint, between the append and the commit: the directory holds no checkpoint yet.
            var first = await RunKilledAsync(kafka, Pipeline, directory, appends: 0, ChangelogEnds, timeout.Token);

            // The restart checkpoints after far smaller batches, so its checkpoints come before the point the killed one's
            // tail stands for. Its first append only writes over that tail's users, and may come before any record is
            // read (a run on a loaded machine then committed a checkpoint that accounted for none, and the last start
            // rightly read the whole log). Its second holds users its records changed, so the input positions it commits
            // account for records. Killed in its third: the store then holds what the second committed, one checkpoint
            // behind the changelog, and the last start finds a tail of its own on top of a checkpoint.
            var second = await RunKilledAsync(kafka, Pipeline with { BatchSize = 8 }, directory, appends: 2, ChangelogEnds, timeout.Token);
            Assert.True(second.CommittedEnds.Zip(first.RefusedAt!).Any(e => e.First > e.Second), "the restart committed no checkpoint past the killed one's tail");

            // What the committed checkpoint accounts for is the changelog up to its ends: the killed tail's users, ahead of
            // the checkpoint, were written over. Otherwise an instance restoring that changelog would count their events twice.
            var changelog = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token);
            var committed = DurableRun.LatestUsers(changelog.Where(r => r.Offset.Value < second.CommittedEnds[r.Partition.Value]));
            var stored = DurableRun.StoredUsers(directory, Pipeline, Partitions);
            Assert.Equal(committed.Where(u => u.Value is not null).Select(u => u.Key).Order(StringComparer.Ordinal), stored.Keys.Order(StringComparer.Ordinal));
            Assert.All(stored, u => Assert.True(Portable.Same(committed[u.Key]!, u.Value, ignoreDue: true),
                $"{u.Key}: the store holds {Portable.Describe(u.Value)}, the changelog up to the store's offsets {Portable.Describe(committed[u.Key]!)}"));

            var (summary, _) = await DurableRun.RunAsync(kafka, Pipeline, directory, timeout.Token);
            Assert.True(summary.RecordsIn < log.Events.Count, $"the last start read {summary.RecordsIn} records of {log.Events.Count}: the whole log again, not from a checkpoint");

            var expected = await ListsAsync(referenceTopics.Deltas, timeout.Token);
            var sent = await ListsAsync(topics.Deltas, timeout.Token);
            var foreign = sent.Where(d => !expected.TryGetValue(d.Key, out var list) || list != d.Value).ToList();
            output.WriteLine($"{sent.Count} (user, seq) pairs sent, {expected.Count} by the uninterrupted run, {foreign.Count} with another list");
            Assert.True(foreign.Count == 0, $"{foreign.Count} lists the uninterrupted run did not send under their seq, the first: {foreign.FirstOrDefault()}");
            Assert.Equal(Latest(expected), Latest(sent));
        }
        finally
        {
            Directory.Delete(referenceDirectory, recursive: true);
            Directory.Delete(directory, recursive: true);
        }
    }

    private async Task<CommitRefusingDirectory> RunKilledAsync(
        KafkaOptions kafka, PipelineOptions pipeline, string directory, int appends, Func<long[]> changelogEnds, CancellationToken cancellationToken)
    {
        using var store = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0);
        var killed = new CommitRefusingDirectory(store, appends, changelogEnds);
        var job = new KafkaPipelineJob(kafka, pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: killed);
        var failure = await Record.ExceptionAsync(async () => await job.RunAsync(cancellationToken));
        output.WriteLine($"killed: changelog ends {Show(killed.RefusedAt)} against {Show(killed.CommittedEnds)} committed; the run ended with {failure?.GetType().Name}: {failure?.Message}");
        Assert.NotNull(killed.RefusedAt);
        Assert.NotNull(failure);
        return killed;
    }

    private static string Show(long[]? ends) => ends is null ? "none" : string.Join("/", ends);

    /// <summary>No idle watermark: event time moves with the data alone, so the two runs are comparable delta by delta.</summary>
    private KafkaOptions Options(KafkaTopics topics, string instance) =>
        KafkaTestDefaults.Options(cluster.BootstrapServers, topics, instance, $"group-{Guid.NewGuid():N}") with
        {
            Consumer = KafkaTestDefaults.FastRejoin,
            IdleWatermarkAfter = TimeSpan.FromHours(1),
        };

    /// <summary>Per (user, seq), the delta's JSON; a re-sent delta must repeat its first sending.</summary>
    private async Task<Dictionary<(string User, long Seq), string>> ListsAsync(string topic, CancellationToken cancellationToken)
    {
        var lists = new Dictionary<(string, long), string>();
        foreach (var record in await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topic, cancellationToken))
        {
            if (record.Message.Value is not { } value)
            {
                continue;
            }

            var delta = System.Text.Json.JsonSerializer.Deserialize(value, ContractJson.Default.RecommendationDelta)!;
            var json = Encoding.UTF8.GetString(value);
            if (!lists.TryAdd((delta.UserId, delta.Seq), json))
            {
                Assert.True(lists[(delta.UserId, delta.Seq)] == json, $"{delta.UserId} seq {delta.Seq} was sent with two lists");
            }
        }

        return lists;
    }

    private static Dictionary<string, string> Latest(Dictionary<(string User, long Seq), string> lists) =>
        lists.GroupBy(l => l.Key.User).ToDictionary(g => g.Key, g => g.MaxBy(l => l.Key.Seq).Value);
}

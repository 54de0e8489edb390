using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Partitioning;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;
using Xunit.Abstractions;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// A crash handover, as Kafka's EosTestDriver checks one: instance A (a child process, `run --state-dir`) is
/// SIGKILLed after it has sent deltas past its last checkpoint; instance B (another child) takes its partitions over
/// once A's session expires, restores them from the changelog, and is SIGKILLed as soon as it has sent deltas; C (in
/// process) takes over again and runs to the end. Over the whole deltas topic, no user's seq is ever sent twice.
/// </summary>
public sealed class CrashTakeoverTests(EmbeddedKafkaCluster cluster, ITestOutputHelper output) : IClassFixture<EmbeddedKafkaCluster>
{
    private const int Partitions = 4;
    private static readonly PipelineOptions Pipeline = new();

    /// <summary>Short, so the next owner gets a killed member's partitions within seconds.</summary>
    private static readonly Dictionary<string, string> Session = new()
    {
        ["fetch.wait.max.ms"] = "20", ["session.timeout.ms"] = "6000", ["heartbeat.interval.ms"] = "1000",
    };

    [Fact]
    public async Task Run_MemberKilledMidStreamAndItsSuccessorKilledMidTakeover_NoSeqCarriesTwoListsAndEveryUserGoesOn()
    {
        var step = TimeSpan.FromSeconds(60);
        using var timeout = new CancellationTokenSource(4 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Takeover();
        var topics = KafkaTestDefaults.UniqueTopics("crash-takeover");
        await cluster.CreateTopicsAsync(topics.All, Partitions);
        var group = $"group-{Guid.NewGuid():N}";
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "c", group) with { Consumer = Session };
        var third = log.Events.Count / 3;
        var directory = Directory.CreateTempSubdirectory("streamrec-crash-takeover-").FullName;
        try
        {
            await log.ProduceLinesAsync(kafka, 0, third, timeout.Token);
            using var watch = new TopicWatch(cluster.BootstrapServers, [topics.Changelog, topics.Deltas], Partitions);

            // A owns every partition. Once each has a fence marker (a checkpoint), more input comes, and A is killed at
            // its first delta past a marker: sent after its last checkpoint, so the changelog's state does not know it.
            var markers = new Dictionary<int, long>();
            using (var a = StartRun("a", group, topics, Path.Combine(directory, "a")))
            {
                bool Marker(ConsumeResult<byte[]?, byte[]?> r)
                {
                    if (r.Topic == topics.Changelog && SeqFenceMarker.IsMarker(r.Message.Key))
                    {
                        markers[r.Partition.Value] = SeqFenceMarker.Decode(r.Message.Value);
                    }

                    return markers.Count == Partitions;
                }

                await watch.UntilAsync(Marker, "fence marker on every changelog partition", step, () => a.HasExited);
                await log.ProduceLinesAsync(kafka, third, 2 * third, timeout.Token);
                await watch.UntilAsync(
                    r => Marker(r) && r.Topic == topics.Deltas && r.Offset.Value >= markers[r.Partition.Value], "delta past A's checkpoint", step, () => a.HasExited);
                output.WriteLine($"A killed; its output:\n{Tail(await a.KillAsync(step))}");
            }

            var afterA = await EndsAsync(topics);
            var changelogOfA = DurableRun.LatestUsers(await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token));
            await log.ProduceLinesAsync(kafka, 2 * third, log.Events.Count, timeout.Token);

            // B restores A's partitions (after A's session timed out) and is killed at its first delta.
            using (var b = StartRun("b", group, topics, Path.Combine(directory, "b")))
            {
                await watch.UntilAsync(r => r.Topic == topics.Deltas && r.Offset.Value >= afterA[r.Partition.Value], "delta from B", step, () => b.HasExited);
                output.WriteLine($"B killed; its output:\n{Tail(await b.KillAsync(step))}");
            }

            var afterB = await EndsAsync(topics);

            // C restores again, from whatever A and B left, and runs to the end of the input.
            var pathC = Path.Combine(directory, "c");
            long restored;
            using (var stateC = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = pathC }, 0))
            {
                var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: stateC);
                await job.RunAsync(timeout.Token);
                restored = (await job.Control).RestoredRecords;
            }

            var deltas = (await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Deltas, timeout.Token))
                .OrderBy(d => d.Partition.Value).ThenBy(d => d.Offset.Value).ToList();
            Dictionary<string, byte[]> finalC;
            using (var stateC = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = pathC }, 0))
            {
                finalC = Portable.Users(stateC, Pipeline with { Partitions = Partitions });
            }

            string Owner(ConsumeResult<byte[]?, byte[]?> d) =>
                d.Offset.Value < afterA[d.Partition.Value] ? "A" : d.Offset.Value < afterB[d.Partition.Value] ? "B" : "C";
            var byUser = deltas.GroupBy(d => Encoding.UTF8.GetString(d.Message.Key!)).ToDictionary(g => g.Key, g => g.ToList());

            // A sent deltas its last checkpoint does not cover: the case the fence is for.
            var fenced = byUser.Count(u => u.Value.Where(d => Owner(d) == "A").Select(Seq).DefaultIfEmpty(0).Max()
                > (changelogOfA.TryGetValue(u.Key, out var record) && record is not null ? Portable.Seq(record) : 0));
            output.WriteLine($"{deltas.Count} deltas (A {deltas.Count(d => Owner(d) == "A")}, B {deltas.Count(d => Owner(d) == "B")}, C {deltas.Count(d => Owner(d) == "C")}); " +
                $"{fenced} users with deltas past A's checkpoint; C restored {restored} changelog records");
            Assert.True(fenced > 0, "A was not killed after sending deltas past its checkpoint");
            Assert.Contains(deltas, d => Owner(d) == "B");
            Assert.Contains(deltas, d => Owner(d) == "C");
            Assert.True(restored > 0);

            // The deltas topic is co-partitioned with the users: a user's deltas are on its partition, where the fence reads.
            Assert.All(byUser, u => Assert.All(u.Value, d => Assert.Equal(UserPartitioner.PartitionOf(u.Key, Partitions), d.Partition.Value)));

            // Per user, across A, B and C, every seq is higher than every one before it: none carries two lists.
            foreach (var (user, sent) in byUser)
            {
                var seqs = sent.Select(d => (Owner(d), Seq(d))).ToList();
                Assert.True(seqs.Zip(seqs.Skip(1)).All(p => p.Second.Item2 > p.First.Item2), $"{user}: seqs {string.Join(", ", seqs)}");
            }

            // Nothing is lost: every user of the log is on C, at the last seq sent, and every input record is committed.
            var users = log.Events.OfType<StreamRec.Contracts.Events.UserEvent>().Select(e => e.UserId).ToHashSet();
            Assert.Equal(users.Order(StringComparer.Ordinal), finalC.Keys.Order(StringComparer.Ordinal));
            Assert.All(byUser, u => Assert.Equal(Seq(u.Value[^1]), Portable.Seq(finalC[u.Key])));
            var inputs = topics.UserTopics.SelectMany(t => Enumerable.Range(0, Partitions).Select(p => new TopicPartition(t, p))).ToList();
            var ends = await KafkaReader.EndOffsetsAsync(cluster.BootstrapServers, inputs);
            var committed = await KafkaReader.CommittedAsync(cluster.BootstrapServers, group, inputs);
            Assert.All(committed, c => Assert.Equal(ends[c.TopicPartition], c.Offset.Value < 0 ? 0 : c.Offset.Value));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private CliProcess StartRun(string instance, string group, KafkaTopics topics, string stateDir)
    {
        var config = new JsonObject
        {
            ["Kafka"] = new JsonObject
            {
                ["BootstrapServers"] = cluster.BootstrapServers,
                ["GroupId"] = group,
                ["InstanceId"] = instance,
                ["Topics"] = new JsonObject
                {
                    ["Clicks"] = topics.Clicks, ["Comments"] = topics.Comments, ["Purchases"] = topics.Purchases, ["Privacy"] = topics.Privacy,
                    ["Rooms"] = topics.Rooms, ["Deltas"] = topics.Deltas, ["DeadLetters"] = topics.DeadLetters, ["Metrics"] = topics.Metrics,
                    ["Changelog"] = topics.Changelog, ["Aggregates"] = topics.Aggregates,
                },
                ["Consumer"] = new JsonObject([.. Session.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))]),
                ["PollTimeout"] = "00:00:00.020",
                ["CommitInterval"] = "00:00:00.200",
            },

            // Long enough that A is killed before the checkpoint after the deltas it is killed at.
            ["Pipeline"] = new JsonObject { ["CheckpointInterval"] = "00:00:04" },
            ["Http"] = new JsonObject { ["Port"] = 0 },
        };
        var file = $"{stateDir}.json";
        File.WriteAllText(file, config.ToJsonString());
        return CliProcess.Start("run", "--config", file, "--state-dir", stateDir, "--scorer", "baseline");
    }

    private async Task<Dictionary<int, long>> EndsAsync(KafkaTopics topics) =>
        (await KafkaReader.EndOffsetsAsync(cluster.BootstrapServers, Enumerable.Range(0, Partitions).Select(p => new TopicPartition(topics.Deltas, p))))
            .ToDictionary(e => e.Key.Partition.Value, e => e.Value);

    private static long Seq(ConsumeResult<byte[]?, byte[]?> delta) =>
        JsonSerializer.Deserialize(delta.Message.Value!, ContractJson.Default.RecommendationDelta)!.Seq;

    private static string Tail(string text) => text.Length <= 4000 ? text : text[^4000..];
}

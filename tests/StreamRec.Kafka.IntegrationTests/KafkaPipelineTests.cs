using System.Globalization;
using System.Text;
using System.Text.Json;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Clusters;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Kafka.Metrics;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.State;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// The pipeline end to end through Kafka with the real Confluent.Kafka client. The bodies run once per
/// cluster kind (see the derived classes): the embedded broker always, a containerised Kafka when Docker answers.
/// </summary>
public abstract class KafkaPipelineTests(IKafkaCluster cluster)
{
    private static readonly PipelineOptions Pipeline = new();

    [SkippableFact]
    public async Task Run_OnePartitionPerTopic_SameDeltasAsFileReplay()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var (topics, kafka) = await ProduceAsync(log, "one-partition", 1, "solo", timeout.Token);

        var summary = await new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance).RunAsync(timeout.Token);
        var deltas = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Deltas, timeout.Token);
        var reference = await log.ReplayAsync(Pipeline with { Partitions = 1 }, timeout.Token);

        Assert.Equal(log.Events.Count, summary.RecordsIn);
        Assert.Equal(0, summary.DeadLettered);
        Assert.NotEmpty(reference);
        AssertDeltaProperties(log, deltas);
        Assert.Equal(ByUserAndSeq(reference), ByUserAndSeq(deltas.Select(Text)));
    }

    [SkippableFact]
    public async Task Run_BacklogWithRoomsCaughtUpAndUserPartitionsHoursBehind_SameDeltasAsFileReplay()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int Partitions = 2;
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.ThreeHours();
        var topics = KafkaTestDefaults.UniqueTopics("backlog");
        await cluster.CreateTopicsAsync(topics.All, Partitions);

        // Small buffers: the rooms topic is read to its end at once while the user partitions are paused hours behind it.
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "backlog") with { MaxBufferedRecordsPerPartition = 1_000 };
        await log.ProduceRoomsFirstAsync(kafka, timeout.Token);

        var summary = await new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance).RunAsync(timeout.Token);
        var deltas = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Deltas, timeout.Token);
        var reference = await log.ReplayAsync(Pipeline with { Partitions = Partitions }, timeout.Token);

        Assert.True(log.Events[^1].Ts - log.Events[0].Ts > TimeSpan.FromHours(2).TotalMilliseconds);
        Assert.Equal(log.Events.Count, summary.RecordsIn);
        Assert.Equal(0, summary.DeadLettered);
        Assert.Equal(ByUserAndSeq(reference), ByUserAndSeq(deltas.Select(Text)));
    }

    [SkippableFact]
    public async Task Run_WithStateDirRestartedBetweenTwoHalvesOfTheLog_EverySeqCarriesTheFileReplaysList()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int Partitions = 2;
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("durable");
        await cluster.CreateTopicsAsync(topics.All, Partitions);
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "durable");
        var half = log.Events.Count / 2;
        var directory = Directory.CreateTempSubdirectory("streamrec-durable-").FullName;
        try
        {
            // Two runs over one state directory, each until caught up: the second starts where the first stopped.
            foreach (var (from, to) in new[] { (0, half), (half, log.Events.Count) })
            {
                await log.ProduceLinesAsync(kafka, from, to, timeout.Token);
                using var state = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directory }, 0);
                var summary = await new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: state).RunAsync(timeout.Token);
                Assert.Equal(to - from, summary.RecordsIn);
            }

            var deltas = (await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Deltas, timeout.Token)).Select(Delta).ToList();
            var reference = (await log.ReplayAsync(Pipeline with { Partitions = Partitions }, timeout.Token)).Select(Parse).ToDictionary(d => (d.UserId, d.Seq));

            // No (user_id, seq) carries two lists, nor another list than the uninterrupted file replay's: seq went on across the restart.
            Assert.NotEmpty(deltas);
            Assert.All(deltas, d => Assert.Equal(Json(reference[(d.UserId, d.Seq)]), Json(d)));

            // The first run stopped cleanly, every delta acknowledged: the second sends none of them again.
            Assert.Equal(deltas.Count, deltas.Select(d => (d.UserId, d.Seq)).Distinct().Count());

            // A stop is not the end of the input, so the second run leaves pending re-ranks pending: only the file
            // replay's end-of-input flush is missing.
            var sent = deltas.Select(d => (d.UserId, d.Seq)).ToHashSet();
            var last = reference.Values.Max(d => d.Ts);
            Assert.All(reference.Where(r => !sent.Contains(r.Key)), r => Assert.Equal(last, r.Value.Ts));
            Assert.Contains(deltas, d => d.Seq > 1 && d.Ts > log.Events[half].Ts);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [SkippableFact]
    public async Task Run_TwoInstancesInOneGroup_SplitPartitionsAndCoverEveryUserOnce()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int Partitions = 4;
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("two-instances");

        // Each instance writes its own delta topic, so the test can tell who produced what.
        var topicsA = topics with { Deltas = topics.Deltas + "-a" };
        var topicsB = topics with { Deltas = topics.Deltas + "-b" };
        await cluster.CreateTopicsAsync([.. topics.All, topicsA.Deltas, topicsB.Deltas], Partitions);
        var group = $"group-{Guid.NewGuid():N}";
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topicsA, "a", group);
        var kafkaB = KafkaTestDefaults.Options(cluster.BootstrapServers, topicsB, "b", group);
        await log.ProduceAsync(kafkaA, timeout.Token);

        var jobA = new KafkaPipelineJob(kafkaA, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var jobB = new KafkaPipelineJob(kafkaB, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        // RunAsync builds the actor system and the graph synchronously before its first await; started one after
        // the other on a loaded machine, B could join the group after the initial rebalance delay had already
        // handed A every partition. Started together, both join within that delay and get one stable split.
        var runs = Task.WhenAll(
            Task.Run(() => jobA.RunAsync(timeout.Token).AsTask(), timeout.Token),
            Task.Run(() => jobB.RunAsync(timeout.Token).AsTask(), timeout.Token));
        var assignedA = await (await jobA.Control).FirstAssignment;
        var assignedB = await (await jobB.Control).FirstAssignment;
        await runs;
        var deltasA = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topicsA.Deltas, timeout.Token);
        var deltasB = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topicsB.Deltas, timeout.Token);
        var reference = await log.ReplayAsync(Pipeline, timeout.Token);

        Assert.NotEmpty(assignedA);
        Assert.NotEmpty(assignedB);
        Assert.Empty(assignedA.Intersect(assignedB));
        Assert.Equal(topics.UserTopics.Count * Partitions, assignedA.Union(assignedB).Count());
        foreach (var assigned in new[] { assignedA, assignedB })
        {
            // Co-partitioned: the same partition numbers of every user topic, so a user's events meet in one instance.
            Assert.Single(assigned.GroupBy(p => p.Topic).Select(g => string.Join(",", g.Select(p => p.Partition.Value).Order())).Distinct());
        }

        AssertDeltaProperties(log, deltasA);
        AssertDeltaProperties(log, deltasB);
        var usersA = deltasA.Select(d => Delta(d).UserId).ToHashSet();
        var usersB = deltasB.Select(d => Delta(d).UserId).ToHashSet();
        Assert.Empty(usersA.Intersect(usersB));
        Assert.Equal(
            reference.Select(line => Parse(line).UserId).Distinct().Order(StringComparer.Ordinal),
            usersA.Union(usersB).Order(StringComparer.Ordinal));
    }

    [SkippableFact]
    public async Task Run_InstanceGoneAndAnotherTakesOver_RestoresItsUsersFromTheChangelogAndTheirSeqGoesOn()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int Partitions = 4;

        // Four runs one after the other in one group; each may wait for the previous member's session to end.
        using var timeout = new CancellationTokenSource(4 * KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("takeover");
        var topicsA = topics with { Deltas = topics.Deltas + "-a" };
        var topicsB = topics with { Deltas = topics.Deltas + "-b" };
        await cluster.CreateTopicsAsync([.. topics.All, topicsA.Deltas, topicsB.Deltas], Partitions);
        var group = $"group-{Guid.NewGuid():N}";
        var session = KafkaTestDefaults.FastRejoin;
        var kafkaA = KafkaTestDefaults.Options(cluster.BootstrapServers, topicsA, "a", group) with { Consumer = session };
        var kafkaB = KafkaTestDefaults.Options(cluster.BootstrapServers, topicsB, "b", group) with { Consumer = session };
        var half = log.Events.Count / 2;
        var directoryA = Directory.CreateTempSubdirectory("streamrec-takeover-a-").FullName;
        var directoryB = Directory.CreateTempSubdirectory("streamrec-takeover-b-").FullName;
        try
        {
            // Instance A owns every partition for the first half of the log, then it is gone, and its disk with it.
            await log.ProduceLinesAsync(kafkaA, 0, half, timeout.Token);
            using (var stateA = RocksDbPartition.Open(new RocksDbStoreOptions { Directory = directoryA }, 0))
            {
                await new KafkaPipelineJob(kafkaA, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance, stateDirectory: stateA).RunAsync(timeout.Token);
            }

            Directory.Delete(directoryA, recursive: true);
            var changelogOfA = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token);
            var checkpointedByA = DurableRun.LatestUsers(changelogOfA);

            // Instance B, with an empty state directory, joins the group and gets A's partitions: it restores them from
            // the changelog, and finds nothing more to read but the rooms topic, which every instance reads whole.
            var roomsOfFirstHalf = log.Events.Take(half).Count(e => e is StreamRec.Contracts.Events.RoomEvent);
            var (restoreB, restoredB) = await DurableRun.RunAsync(kafkaB, Pipeline, directoryB, timeout.Token);
            Assert.Equal(roomsOfFirstHalf, restoreB.RecordsIn);
            Assert.Equal(changelogOfA.Count(r => !SeqFenceMarker.IsMarker(r.Message.Key)), restoredB.RestoredRecords);

            // What B restored is what A had checkpointed: every user, every field (the vector within float rounding). Not
            // always the pending re-rank: B may already have run one A left pending (ChangelogTests compares it exactly).
            var storedB = DurableRun.StoredUsers(directoryB, Pipeline, Partitions);
            Assert.NotEmpty(checkpointedByA);
            Assert.Equal(checkpointedByA.Where(u => u.Value is not null).Select(u => u.Key).Order(StringComparer.Ordinal), storedB.Keys.Order(StringComparer.Ordinal));
            Assert.All(storedB, u => Assert.True(Portable.Same(checkpointedByA[u.Key]!, u.Value, ignoreDue: true), $"{u.Key} on B differs from A's checkpoint: {Portable.Describe(u.Value)} vs {Portable.Describe(checkpointedByA[u.Key]!)}"));

            // The second half goes to B, whose store is now up to date with the changelog: kept, not restored again.
            await log.ProduceLinesAsync(kafkaA, half, log.Events.Count, timeout.Token);
            var (summaryB, controlB) = await DurableRun.RunAsync(kafkaB, Pipeline, directoryB, timeout.Token);
            Assert.Equal(log.Events.Count - half, summaryB.RecordsIn);
            Assert.Equal(0, controlB.RestoredRecords);

            var deltasA = (await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topicsA.Deltas, timeout.Token)).Select(Delta).ToList();
            var deltasB = (await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topicsB.Deltas, timeout.Token)).Where(d => d.Message.Value is not null).Select(Delta).ToList();
            var reference = (await log.ReplayAsync(Pipeline with { Partitions = Partitions }, timeout.Token)).Select(Parse).ToDictionary(d => (d.UserId, d.Seq));
            Assert.NotEmpty(deltasB);

            // A alone saw every partition's events of the first half, so its lists are the file replay's.
            Assert.All(deltasA, d => Assert.Equal(Json(reference[(d.UserId, d.Seq)]), Json(d)));

            // Every user A had checkpointed continues on B: B's first delta has the seq after A's last, then one more each time.
            var continued = 0;
            foreach (var byUser in deltasB.GroupBy(d => d.UserId))
            {
                var seqs = byUser.Select(d => d.Seq).ToList();
                var first = checkpointedByA.TryGetValue(byUser.Key, out var state) && state is not null ? Portable.Seq(state) + 1 : 1;
                Assert.Equal(Enumerable.Range(0, seqs.Count).Select(i => first + i), seqs);
                continued += first > 1 ? 1 : 0;
            }

            Assert.True(continued > 0, "no user of A's changed on B");

            // B's changelog and B's store agree on every user.
            var changelog = DurableRun.LatestUsers(await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Changelog, timeout.Token));
            var finalB = DurableRun.StoredUsers(directoryB, Pipeline, Partitions);
            Assert.Equal(changelog.Where(u => u.Value is not null).Select(u => u.Key).Order(StringComparer.Ordinal), finalB.Keys.Order(StringComparer.Ordinal));
            Assert.All(finalB, u => Assert.True(Portable.Same(changelog[u.Key]!, u.Value), $"{u.Key}'s changelog record differs from B's store"));
        }
        finally
        {
            Directory.Delete(directoryB, recursive: true);
            if (Directory.Exists(directoryA))
            {
                Directory.Delete(directoryA, recursive: true);
            }
        }
    }

    [SkippableFact]
    public async Task Run_UserForgetOnThePrivacyTopic_WithdrawsTheUserWithATombstoneOnTheDeltas()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var (topics, kafka) = await ProduceAsync(log, "privacy", 2, "privacy", timeout.Token);
        var user = log.Events.OfType<StreamRec.Contracts.Events.UserEvent>().GroupBy(e => e.UserId).OrderByDescending(g => g.Count()).First().Key;
        var forget = new StreamRec.Contracts.Events.UserForgetEvent { EventId = "forget-1", Ts = log.Events[^1].Ts + 1, UserId = user };
        var line = Path.Combine(Path.GetTempPath(), $"forget-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(line, JsonSerializer.Serialize<StreamRec.Contracts.Events.LiveEvent>(forget, ContractJson.Default.LiveEvent) + "\n", timeout.Token);
        try
        {
            await new EventLogProducer(kafka, line, paceLag: null, TimeProvider.System, NullLogger.Instance).RunAsync(timeout.Token);
        }
        finally
        {
            File.Delete(line);
        }

        var summary = await new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance).RunAsync(timeout.Token);
        var privacy = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Privacy, timeout.Token);
        var deltas = (await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Deltas, timeout.Token))
            .Where(d => Encoding.UTF8.GetString(d.Message.Key!) == user).OrderBy(d => d.Offset.Value).ToList();

        Assert.Equal(user, Encoding.UTF8.GetString(Assert.Single(privacy).Message.Key!));
        Assert.Equal(log.Events.Count + 1, summary.RecordsIn);
        Assert.Equal(0, summary.DeadLettered);
        Assert.True(deltas.Count > 1);
        Assert.Null(deltas[^1].Message.Value);
        Assert.All(deltas[..^1], d => Assert.NotNull(d.Message.Value));
    }

    [SkippableFact]
    public async Task Run_BadMessages_LandInDlqWithErrorHeadersAndOriginalBytesAndAreCounted()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var (topics, kafka) = await ProduceAsync(log, "bad-input", 1, "dlq", timeout.Token);
        byte[][] bad =
        [
            "{\"type\":\"click\",\"ts\":"u8.ToArray(),
            "[1,2,3]"u8.ToArray(),
            "{\"type\":\"click\",\"event_id\":\"e1\",\"ts\":1767636000000}"u8.ToArray(),
            [0xff, 0xfe, 0x00, 0x7b],
            [],
        ];
        var delivered = await ProduceRawAsync(topics.Clicks, bad, log.Events[^1].Ts, timeout.Token);

        var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var summary = await job.RunAsync(timeout.Token);
        var letters = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.DeadLetters, timeout.Token);

        Assert.Equal(log.Events.Count + bad.Length, summary.RecordsIn);
        Assert.Equal(bad.Length, summary.DeadLettered);
        Assert.Equal(bad.Length, job.Metrics.DeadLettered);
        Assert.Equal(1, job.Metrics.DeadLettersByReason[DeadLetterReason.NotAnObject]);
        Assert.Equal(1, job.Metrics.DeadLettersByReason[DeadLetterReason.MissingField]);
        Assert.Equal(1, job.Metrics.DeadLettersByReason[DeadLetterReason.EmptyRecord]);
        Assert.Equal(bad.Length, letters.Count);
        foreach (var letter in letters)
        {
            var offset = long.Parse(Header(letter, DeadLetterHeaders.Offset), CultureInfo.InvariantCulture);
            var original = delivered.Single(d => d.Offset.Value == offset);
            Assert.Equal(topics.Clicks, Header(letter, DeadLetterHeaders.Topic));
            Assert.Equal(original.Partition.Value.ToString(CultureInfo.InvariantCulture), Header(letter, DeadLetterHeaders.Partition));
            Assert.Equal(original.Message.Value, letter.Message.Value);
            Assert.NotEmpty(Header(letter, DeadLetterHeaders.Exception));
            Assert.NotEmpty(Header(letter, DeadLetterHeaders.Message));
        }
    }

    [SkippableFact]
    public async Task Run_ThousandsOfFuzzedMessagesMixedIntoEveryInputTopic_EachDeadLetteredWithItsReasonAndTheValidOnesGiveTheFileReplaysDeltas()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int Partitions = 2;
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var topics = KafkaTestDefaults.UniqueTopics("fuzz");
        await cluster.CreateTopicsAsync(topics.All, Partitions);
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "fuzz");
        var lines = File.ReadAllLines(log.Path);
        var random = new Random(17);
        var inputs = new[] { topics.Clicks, topics.Comments, topics.Purchases, topics.Rooms };
        var fuzzed = 0;

        // Bad messages before, between and after the two halves of the valid log, on every input topic.
        var half = lines.Length / 2;
        foreach (var (from, to) in new[] { (0, 0), (0, half), (half, lines.Length) })
        {
            if (to > from)
            {
                await log.ProduceLinesAsync(kafka, from, to, timeout.Token);
            }

            var ts = log.Events[Math.Max(0, to - 1)].Ts;
            foreach (var topic in inputs)
            {
                var batch = Fuzz.Messages(random, lines, 400);
                await ProduceFuzzAsync(topic, batch, ts, timeout.Token);
                fuzzed += batch.Count;
            }
        }

        // A few values of 2 MB, one per topic: the embedded broker keeps only ~5 MB per partition.
        foreach (var topic in inputs)
        {
            await ProduceFuzzAsync(topic, [(null, new byte[2 << 20])], log.Events[^1].Ts, timeout.Token);
            fuzzed++;
        }

        var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var summary = await job.RunAsync(timeout.Token);
        var letters = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.DeadLetters, timeout.Token);
        var deltas = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Deltas, timeout.Token);
        var reference = await log.ReplayAsync(Pipeline with { Partitions = Partitions }, timeout.Token);

        // Every message was taken in; each bad one is a dead letter with its reason; the counts add up.
        Assert.True(fuzzed > 4_000, $"{fuzzed} fuzzed messages");
        Assert.Equal(lines.Length + fuzzed, summary.RecordsIn);
        Assert.Equal(fuzzed, summary.DeadLettered);
        Assert.Equal(fuzzed, letters.Count);
        Assert.Equal(fuzzed, job.Metrics.DeadLettersByReason.Values.Sum());
        Assert.All(letters, letter => Assert.NotEmpty(Header(letter, DeadLetterHeaders.Exception)));
        Assert.True(job.Metrics.DeadLettersByReason.Count >= 8, string.Join(", ", job.Metrics.DeadLettersByReason.Keys));
        foreach (var reason in new[] { DeadLetterReason.Oversized, DeadLetterReason.MalformedJson, DeadLetterReason.WrongType, DeadLetterReason.MissingField, DeadLetterReason.UnknownEventType, DeadLetterReason.EmptyRecord, DeadLetterReason.TimestampOutOfRange, DeadLetterReason.InvalidValue, DeadLetterReason.NotAnObject })
        {
            Assert.True(job.Metrics.DeadLettersByReason.GetValueOrDefault(reason) > 0, $"no {reason} among {string.Join(", ", job.Metrics.DeadLettersByReason)}");
        }

        // Every valid one was processed as if the bad ones had never been there.
        Assert.Equal(ByUserAndSeq(reference), ByUserAndSeq(deltas.Select(Text)));
    }

    [SkippableFact]
    public async Task Run_TwoMegabyteValueKeyedRecordAndTombstone_DeadLetteredWithKeyNullValueAndDigestNeverFatal()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var (topics, kafka) = await ProduceAsync(log, "oversized", 1, "oversized", timeout.Token);
        var huge = Encoding.UTF8.GetBytes("{\"type\":\"click\",\"pad\":\"" + new string('x', 2 * 1024 * 1024) + "\"}");
        var ts = new Timestamp(log.Events[^1].Ts, TimestampType.CreateTime);
        using (var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, MessageMaxBytes = 8 << 20 }).Build())
        {
            await producer.ProduceAsync(topics.Clicks, new Message<byte[]?, byte[]?> { Key = "big-user"u8.ToArray(), Value = huge, Timestamp = ts }, timeout.Token);
            await producer.ProduceAsync(topics.Clicks, new Message<byte[]?, byte[]?> { Key = "gone-user"u8.ToArray(), Value = null, Timestamp = ts }, timeout.Token);
            await producer.ProduceAsync(topics.Clicks, new Message<byte[]?, byte[]?> { Key = [0xc3, 0x28], Value = "[1]"u8.ToArray(), Timestamp = ts }, timeout.Token);
        }

        var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var summary = await job.RunAsync(timeout.Token);
        var letters = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.DeadLetters, timeout.Token);

        Assert.Equal(log.Events.Count + 3, summary.RecordsIn);
        Assert.Equal(3, summary.DeadLettered);
        Assert.Equal(3, letters.Count);
        var oversized = letters.Single(l => Header(l, DeadLetterHeaders.Exception) == DeadLetterReason.Oversized);
        Assert.Equal("big-user"u8.ToArray(), oversized.Message.Key);
        Assert.Equal(huge.AsSpan(0, oversized.Message.Value!.Length).ToArray(), oversized.Message.Value);
        Assert.True(oversized.Message.Value.Length <= Pipeline.MaxEventBytes + 1);
        Assert.Equal(huge.Length.ToString(CultureInfo.InvariantCulture), Header(oversized, DeadLetterHeaders.OriginalBytes));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(huge)), Header(oversized, DeadLetterHeaders.OriginalSha256));
        var tombstone = letters.Single(l => Header(l, DeadLetterHeaders.Exception) == DeadLetterReason.EmptyRecord);
        Assert.Equal("gone-user"u8.ToArray(), tombstone.Message.Key);
        Assert.Null(tombstone.Message.Value);
        var binaryKey = letters.Single(l => Header(l, DeadLetterHeaders.Exception) == DeadLetterReason.NotAnObject);
        Assert.Equal(new byte[] { 0xc3, 0x28 }, binaryKey.Message.Key);
        Assert.Equal("[1]"u8.ToArray(), binaryKey.Message.Value);
    }

    [SkippableFact]
    public async Task Run_CaughtUp_CommitsOffsetAfterLastRecordOfEveryUserPartition()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var (topics, kafka) = await ProduceAsync(log, "commits", 2, "commits", timeout.Token);

        await new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance).RunAsync(timeout.Token);
        var partitions = topics.UserTopics.SelectMany(topic => new[] { new TopicPartition(topic, 0), new TopicPartition(topic, 1) }).ToList();
        var ends = await KafkaReader.EndOffsetsAsync(cluster.BootstrapServers, partitions);
        var committed = await KafkaReader.CommittedAsync(cluster.BootstrapServers, kafka.GroupId, partitions);

        Assert.Contains(ends.Values, end => end > 0);
        Assert.All(committed, c => Assert.Equal(ends[c.TopicPartition], c.Offset == Offset.Unset ? 0 : c.Offset.Value));
    }

    [SkippableFact]
    public async Task Run_MetricsTimerFires_PublishesSnapshotKeyedByInstance()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Small();
        var (topics, kafka) = await ProduceAsync(log, "metrics", 1, "metrics-instance", timeout.Token);
        kafka = kafka with { MetricsInterval = TimeSpan.FromMinutes(1) };
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);

        var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), time, NullLogger.Instance);
        var run = job.RunAsync(timeout.Token).AsTask();
        await (await job.Control).FirstAssignment;
        time.Advance(kafka.MetricsInterval);
        var summary = await run;
        var snapshots = await KafkaReader.ReadAllAsync(cluster.BootstrapServers, topics.Metrics, timeout.Token);

        // One from the timer, one at shutdown.
        Assert.Equal(2, snapshots.Count);
        Assert.All(snapshots, s => Assert.Equal("metrics-instance", Encoding.UTF8.GetString(s.Message.Key!)));
        var first = JsonSerializer.Deserialize(snapshots[0].Message.Value, KafkaJson.Default.MetricsSnapshot)!;
        var last = JsonSerializer.Deserialize(snapshots[1].Message.Value, KafkaJson.Default.MetricsSnapshot)!;
        Assert.Equal(time.GetUtcNow().ToUnixTimeMilliseconds(), first.At);
        Assert.Equal(log.Events.Count, last.RecordsIn);
        Assert.Equal(summary.DeltasOut, last.DeltasOut);
        Assert.Equal(log.Events[^1].Ts, last.EventTime);
        Assert.Contains($"{topics.Clicks}[0]", last.ConsumerLag.Keys);
        Assert.All(last.ConsumerLag.Values, lag => Assert.Equal(0, lag));
    }

    [SkippableFact]
    public async Task Source_NoDemand_PausesFullPartitionThenDeliversEveryRecordOnceInOrder()
    {
        Skip.If(cluster.SkipReason is not null, cluster.SkipReason);
        const int Messages = 2_000;
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        var topics = KafkaTestDefaults.UniqueTopics("backpressure");
        await cluster.CreateTopicsAsync(topics.All, 1);
        await ProduceRawAsync(topics.Clicks, Enumerable.Range(0, Messages).Select(i => Encoding.UTF8.GetBytes($"{{\"n\":{i}}}")).ToArray(), 1767636000000, timeout.Token);
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, "backpressure") with { MaxBufferedRecordsPerPartition = 50 };
        using var system = ActorSystem.Create("backpressure-test");

        var (control, queue) = KafkaConnector.Source(kafka, new Pipeline.Options.PipelineOptions { BatchSize = 10 }, TimeProvider.System, NullLogger.Instance)
            .ToMaterialized(Sink.Queue<Pipeline.Input.RawRecordBatch>().WithAttributes(Attributes.CreateInputBuffer(1, 1)), Keep.Both)
            .Run(system.Materializer());
        try
        {
            // Nobody pulls, so the partition's buffer fills and the consumer must pause it.
            await control.FirstPause.WaitAsync(timeout.Token);
            var offsets = new List<long>();
            while (await queue.PullAsync() is { HasValue: true } batch)
            {
                for (var i = 0; i < batch.Value.Count; i++)
                {
                    offsets.Add(batch.Value.Origin(i).Position);
                }
            }

            Assert.Equal(Enumerable.Range(0, Messages).Select(i => (long)i), offsets);
        }
        finally
        {
            await control.ShutdownAsync(timeout.Token);
        }
    }

    /// <summary>Fresh topics with <paramref name="log"/> produced onto them, and the options to consume them.</summary>
    private async Task<(KafkaTopics Topics, KafkaOptions Kafka)> ProduceAsync(
        SimulatedLog log, string test, int partitions, string instance, CancellationToken cancellationToken)
    {
        var topics = KafkaTestDefaults.UniqueTopics(test);
        await cluster.CreateTopicsAsync(topics.All, partitions);
        var kafka = KafkaTestDefaults.Options(cluster.BootstrapServers, topics, instance);
        await log.ProduceAsync(kafka, cancellationToken);
        return (topics, kafka);
    }

    private async Task ProduceFuzzAsync(string topic, IReadOnlyList<(byte[]? Key, byte[]? Value)> messages, long timestamp, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = cluster.BootstrapServers,
            EnableIdempotence = true,
            MessageMaxBytes = 4 << 20,
        }).Build();
        var sent = messages.Select(m => producer.ProduceAsync(
            topic, new Message<byte[]?, byte[]?> { Key = m.Key, Value = m.Value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) }, cancellationToken));
        await Task.WhenAll(sent);
    }

    private async Task<IReadOnlyList<DeliveryResult<byte[]?, byte[]?>>> ProduceRawAsync(string topic, byte[][] values, long timestamp, CancellationToken cancellationToken)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers, EnableIdempotence = true }).Build();
        var results = new List<DeliveryResult<byte[]?, byte[]?>>();
        foreach (var value in values)
        {
            results.Add(await producer.ProduceAsync(
                topic, new Message<byte[]?, byte[]?> { Value = value, Timestamp = new Timestamp(timestamp, TimestampType.CreateTime) }, cancellationToken));
        }

        return results;
    }

    /// <summary>What the replay tests check too: keys are user ids, seq rises per user, every listed room was live.</summary>
    private static void AssertDeltaProperties(SimulatedLog log, IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> deltas)
    {
        var live = log.LiveIntervals();
        foreach (var byUser in deltas.GroupBy(d => Encoding.UTF8.GetString(d.Message.Key!)))
        {
            var ordered = byUser.OrderBy(d => d.Partition.Value).ThenBy(d => d.Offset.Value).ToList();
            Assert.Single(ordered.Select(d => d.Partition).Distinct());
            long previous = 0;
            foreach (var result in ordered)
            {
                var delta = Delta(result);
                Assert.Equal(byUser.Key, delta.UserId);
                Assert.Equal(delta.Ts, result.Message.Timestamp.UnixTimestampMs);
                Assert.True(delta.Seq > previous, $"seq {delta.Seq} of {delta.UserId} follows {previous}");
                previous = delta.Seq;
                Assert.All(delta.Top, room => Assert.True(
                    live.TryGetValue(room.RoomId, out var intervals) && intervals.Any(i => i.Start <= delta.Ts && delta.Ts < i.Stop),
                    $"{room.RoomId} in {delta.UserId}'s list at {delta.Ts} was not live"));
            }
        }
    }

    private static string Text(ConsumeResult<byte[]?, byte[]?> result) => Encoding.UTF8.GetString(result.Message.Value!);

    private static RecommendationDelta Delta(ConsumeResult<byte[]?, byte[]?> result) => Parse(Text(result));

    private static RecommendationDelta Parse(string json) => JsonSerializer.Deserialize(json, ContractJson.Default.RecommendationDelta)!;

    private static string Json(RecommendationDelta delta) => JsonSerializer.Serialize(delta, ContractJson.Default.RecommendationDelta);

    private static List<string> ByUserAndSeq(IEnumerable<string> lines) =>
        [.. lines.Select(line => (Delta: Parse(line), Line: line)).OrderBy(x => x.Delta.UserId, StringComparer.Ordinal).ThenBy(x => x.Delta.Seq).Select(x => x.Line)];

    private static string Header(ConsumeResult<byte[]?, byte[]?> result, string name) =>
        Encoding.UTF8.GetString(result.Message.Headers.GetLastBytes(name));
}

using StreamRec.IntegrationTests.Support;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;

namespace StreamRec.IntegrationTests;

/// <summary>
/// The Kafka half of the crash harness in small (benchmarks/run-crash-harness.sh runs more): `run --state-dir` is
/// SIGKILLed mid-stream, at start-up and mid-stream again, restarted each time, then run until caught up. What a
/// downstream consumer reads on recs.deltas must give every user the final list of an uninterrupted run, and no
/// (user_id, seq) may carry two different lists.
/// </summary>
public sealed class RunCrashTests : IDisposable
{
    private const int Partitions = 2;
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-run-crash-").FullName;

    [Fact]
    public async Task RunWithStateDir_KilledThreeTimesThenCaughtUp_FinalListsAreTheUninterruptedRunsAndNoSeqHasTwoLists()
    {
        var log = Path.Combine(_directory, "log.jsonl");
        var simulate = CliProcess.Start("simulate", "--users", "1000", "--rooms", "80", "--hours", "1", "--seed", "21", "--out", log);
        Assert.Equal(0, (await simulate.WaitAsync(Timeout)).Exit);
        var config = Path.Combine(_directory, "settings.json");

        // The merge waits for every partition, and no idle watermark moves event time by the wall clock, so the
        // order and the re-ranks are the data's alone and two runs are comparable; a short session timeout, so a
        // restart does not wait 45 s for the killed member's partitions.
        await File.WriteAllTextAsync(config, """
            {"Kafka": {"MergeWait": "00:00:30", "PartitionIdleTimeout": "00:00:30", "PollTimeout": "00:00:00.020",
                       "CommitInterval": "00:00:00.200", "IdleWatermarkAfter": "01:00:00",
                       "Consumer": {"fetch.wait.max.ms": "20", "session.timeout.ms": "3000", "heartbeat.interval.ms": "500"}},
             "Pipeline": {"CheckpointInterval": "00:00:00.200"}, "Http": {"Port": 0}}
            """);
        await using var referenceBroker = EmbeddedStreamRecBroker.Start(new KafkaTopics(), Partitions);
        await using var broker = EmbeddedStreamRecBroker.Start(new KafkaTopics(), Partitions);
        await ProduceAsync(log, referenceBroker.BootstrapServers);
        await ProduceAsync(log, broker.BootstrapServers);

        await RunToCaughtUpAsync(referenceBroker.BootstrapServers, config, Path.Combine(_directory, "reference-state"));
        var reference = DeltaTopic.ReadAll(referenceBroker.BootstrapServers, Partitions, Timeout);

        var state = Path.Combine(_directory, "state");
        using var deltas = new DeltaTopic(broker.BootstrapServers, Partitions);
        Func<CliProcess, Task>[] killPoints =
        [
            _ => deltas.AtLeast(reference.Count * 3 / 10),

            // Start-up: the outbox is about to be produced again, the killed member's session still holds the partitions.
            run => run.LineContaining("Durable state opened"),
            _ => deltas.AtLeast(reference.Count * 7 / 10),
        ];
        var killed = 0;
        foreach (var point in killPoints)
        {
            using var run = StartRun(broker.BootstrapServers, config, state);
            if (await run.KillWhenAsync(point(run), Timeout))
            {
                killed++;
            }
        }

        await RunToCaughtUpAsync(broker.BootstrapServers, config, state);
        var crashed = DeltaTopic.ReadAll(broker.BootstrapServers, Partitions, Timeout);

        Assert.Equal(killPoints.Length, killed);
        Assert.NotEmpty(reference);
        // A restore from the changelog fences seqs: what was sent after the last checkpoint is sent again under higher
        // seqs, so a list is compared with the user's lists of the uninterrupted run, not with the one at the same seq.
        var referenceLists = reference.Where(d => d.Seq is not null).Select(d => (d.User, d.Top)).ToHashSet();
        var conflicting = crashed.Where(d => d.Seq is not null).GroupBy(d => (d.User, d.Seq)).Where(g => g.Select(d => d.Top).Distinct().Count() > 1).Select(g => g.Key);
        Assert.Empty(conflicting);
        var strays = crashed.Where(d => d.Seq is not null && !referenceLists.Contains((d.User, d.Top))).Select(d => (d.User, d.Seq));
        Assert.Empty(strays);
        var (expected, actual) = (FinalLists(reference), FinalLists(crashed));
        var differing = expected.Keys.Union(actual.Keys).Where(u => expected.GetValueOrDefault(u).Top != actual.GetValueOrDefault(u).Top).ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} users' final lists differ, e.g. " + string.Join("; ", differing.Take(3).Select(u =>
            $"{u}: seq {expected.GetValueOrDefault(u).Seq} uninterrupted, {actual.GetValueOrDefault(u).Seq} after the kills")));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>Each user's list of the highest seq, as a consumer that keeps the highest seq holds it; null once withdrawn.</summary>
    private static Dictionary<string, (long Seq, string? Top)> FinalLists(IEnumerable<(string User, long? Seq, string? Top)> deltas)
    {
        var last = new Dictionary<string, (long Seq, string? Top)>(StringComparer.Ordinal);
        foreach (var (user, seq, top) in deltas)
        {
            if (seq is null)
            {
                last[user] = (0, null);
            }
            else if (!last.TryGetValue(user, out var held) || seq >= held.Seq)
            {
                last[user] = (seq.Value, top);
            }
        }

        return last;
    }

    private static async Task ProduceAsync(string log, string bootstrapServers)
    {
        using var produce = CliProcess.Start("produce", "--input", log, "--bootstrap-servers", bootstrapServers);
        var (exit, _, stderr) = await produce.WaitAsync(Timeout);
        Assert.True(exit == 0, stderr);
    }

    private static async Task RunToCaughtUpAsync(string bootstrapServers, string config, string state)
    {
        using var run = StartRun(bootstrapServers, config, state);
        var (exit, _, stderr) = await run.WaitAsync(Timeout);
        Assert.True(exit == 0, stderr);
    }

    private static CliProcess StartRun(string bootstrapServers, string config, string state) => CliProcess.Start(
        "run", "--bootstrap-servers", bootstrapServers, "--group-id", "crash", "--instance-id", "crash", "--config", config,
        "--state-dir", state, "--exit-when-caught-up", "--scorer", "baseline");
}

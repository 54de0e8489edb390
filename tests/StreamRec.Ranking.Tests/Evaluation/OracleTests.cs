using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;
using StreamRec.Simulation;

namespace StreamRec.Ranking.Tests.Evaluation;

public sealed class OracleTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly InteractionReplayer _replayer = new(new PipelineOptions(), TimeProvider.System);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void OracleFraction_Of_DividesEachMetricByTheOracles()
    {
        var oracle = new RankingScores(0.5, 0.8, 0.6, 0.4, 1.0);
        var method = new RankingScores(0.25, 0.6, 0.3, 0.1, 0.9);

        var fraction = OracleFraction.Of(method, oracle);

        Assert.Equal(0.75, fraction.H10, 12);
        Assert.Equal(0.5, fraction.Ndcg10, 12);
        Assert.Equal(0.25, fraction.H10NewStreamer, 12);
        Assert.Equal(0, OracleFraction.Of(method, oracle with { H10NewStreamer = 0 }).H10NewStreamer);
    }

    [Fact]
    public void Summary_DriftedCases_HaveTheirOwnH10()
    {
        var metrics = new RankingMetrics();
        metrics.Add(1, isRepeat: true, drifted: true);
        metrics.Add(15, isRepeat: false, drifted: true);
        metrics.Add(15, isRepeat: false, drifted: true);
        metrics.Add(2, isRepeat: false);

        var s = metrics.Summary();

        Assert.Equal(3, metrics.DriftCases);
        Assert.Equal(1.0 / 3, s.H10AfterDrift, 12);
        Assert.Equal(0.5, s.H10, 12);
    }

    [Fact]
    public void Evaluate_WithTruth_RanksOnlyCasesWithATruthRecordJoinedByEventId()
    {
        var log = EventLog.Write(_directory.File("log.jsonl"),
        [
            new Contracts.Events.RoomStartEvent { EventId = "s1", Ts = 1_767_636_000_000, RoomId = "r1", StreamerId = "a", Category = "toys", Title = "t" },
            new Contracts.Events.RoomStartEvent { EventId = "s2", Ts = 1_767_636_000_000, RoomId = "r2", StreamerId = "b", Category = "toys", Title = "t" },
            new Contracts.Events.ClickEvent { EventId = "c1", Ts = 1_767_636_010_000, UserId = "u1", RoomId = "r1", StreamerId = "a" },
            new Contracts.Events.ClickEvent { EventId = "c2", Ts = 1_767_636_020_000, UserId = "u2", RoomId = "r2", StreamerId = "b" },
            new Contracts.Events.ClickEvent { EventId = "c3", Ts = 1_767_636_030_000, UserId = "u3", RoomId = "r1", StreamerId = "a" },
        ]);
        var truth = new Dictionary<string, TruthRecord> { ["c2"] = new(Rank: 12, Drifted: true, Notified: false), ["c3"] = new(1, false, true), ["zz"] = new(1, false, false) };
        var evaluator = new RankingEvaluator([("baseline", new BaselineScorer())], truth);

        _replayer.Replay(log, long.MinValue, evaluator, CancellationToken.None);
        var result = evaluator.Result();

        Assert.Equal((2L, 3L), (result.Cases, result.CasesBeforeTruth));
        Assert.Equal(2.0 / 3, result.TruthCoverage);
        Assert.Equal(1, result.DriftCases);
        var oracle = result.Methods[RankingEvaluator.Oracle];
        Assert.Equal((0.5, 0.5, 0.0), (oracle.H1, oracle.H10, oracle.H10AfterDrift));
        Assert.Equal(1.0, result.Methods[RankingEvaluator.Recency].H10AfterDrift);
    }

    [Fact]
    public void Evaluate_OnASimulatedWorld_OracleIsAtLeastEveryMethod()
    {
        var options = new SimulationOptions { Users = 1500, Rooms = 120, Duration = TimeSpan.FromHours(3), Seed = 3 };
        var log = _directory.File("world.jsonl");
        var truthPath = _directory.File("world.truth.jsonl.gz");
        using (var file = File.Create(log))
        using (var truthFile = new System.IO.Compression.GZipStream(File.Create(truthPath), System.IO.Compression.CompressionLevel.Fastest))
        {
            new LiveCommerceSimulator(options).WriteJsonLines(file, truthFile, CancellationToken.None);
        }

        var truth = TruthFile.Load(truthPath, CancellationToken.None);
        var result = HoldoutEvaluation.Run(_replayer, log, 0.25, [("baseline", new BaselineScorer())], truth, CancellationToken.None);

        Assert.True(result.TruthCoverage > 0.8, $"coverage {result.TruthCoverage:P1}");
        Assert.True(result.DriftCases > 100, $"{result.DriftCases} cases after a drift");
        var oracle = result.Methods[RankingEvaluator.Oracle];
        Assert.All(
            result.Methods.Where(m => m.Key != RankingEvaluator.Oracle),
            m => Assert.True(oracle.H10 >= m.Value.H10 && oracle.Ndcg10 >= m.Value.Ndcg10, $"{m.Key}: H@10 {m.Value.H10:F4} against the oracle's {oracle.H10:F4}"));
    }
}

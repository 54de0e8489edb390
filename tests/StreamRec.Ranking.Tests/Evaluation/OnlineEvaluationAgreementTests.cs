using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Online;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Ranking.Evaluation;
using StreamRec.Ranking.Offline;

namespace StreamRec.Ranking.Tests.Evaluation;

/// <summary>
/// The online evaluation and the offline <c>evaluate</c> judge the same entries the same way where they overlap:
/// the same cases (first click of a visit on a live room), the same new/repeat split, and popularity scored
/// identically. Where they differ by design (held lists against ranking at the moment of choice) is not compared.
/// </summary>
public sealed class OnlineEvaluationAgreementTests
{
    [Fact]
    public void OnlineEvaluation_SameLogAsOfflineEvaluate_AgreesOnCasesSplitAndPopularity()
    {
        using var temp = new TempDirectory();
        var log = EventLog.Simulate(temp.File("log.jsonl"), users: 600, rooms: 60, TimeSpan.FromHours(1), seed: 5);
        var options = new PipelineOptions { Partitions = 1 }.Validate();

        var offline = new RankingEvaluator([]);
        new InteractionReplayer(options, TimeProvider.System).Replay(log, long.MinValue, offline, CancellationToken.None);
        var expected = offline.Result();
        var online = RunOnline(log, options, new OnlineEvaluationOptions { SampleRate = 1, Window = 1_000_000 });

        Assert.True(expected.Cases > 500, $"only {expected.Cases} cases");
        Assert.Equal(expected.Cases, online.Cases);
        Assert.Equal(expected.NewCases, online.NewCases);
        Assert.Equal(expected.RepeatCases, online.RepeatCases);
        var pop = expected.Methods[RankingEvaluator.Popularity];
        Assert.Equal(pop.H1, online.PopularityTotal.H1, 12);
        Assert.Equal(pop.H10, online.PopularityTotal.H10, 12);
        Assert.Equal(pop.Ndcg10, online.PopularityTotal.Ndcg10, 12);
        Assert.Equal(pop.H10NewStreamer, online.PopularityTotal.H10NewStreamer, 12);
        Assert.Equal(pop.H10RepeatStreamer, online.PopularityTotal.H10RepeatStreamer, 12);
        Assert.Equal(online.PopularityTotal, online.Popularity); // the window holds every case here

        // Held lists: real lists, better than nothing, no better than a perfect ranker.
        Assert.InRange(online.ModelTotal.H10, 0.05, 1);
        Assert.True(online.WithoutList < online.Cases);
    }

    [Fact]
    public void OnlineEvaluation_HalfSample_JudgesAStableSubsetOfTheCases()
    {
        using var temp = new TempDirectory();
        var log = EventLog.Simulate(temp.File("log.jsonl"), users: 600, rooms: 60, TimeSpan.FromHours(1), seed: 5);
        var options = new PipelineOptions { Partitions = 1 }.Validate();

        var all = RunOnline(log, options, new OnlineEvaluationOptions { SampleRate = 1 });
        var half = RunOnline(log, options, new OnlineEvaluationOptions { SampleRate = 0.5, Window = 100 });
        var again = RunOnline(log, options, new OnlineEvaluationOptions { SampleRate = 0.5, Window = 100 });

        Assert.InRange(half.Cases, all.Cases / 4, all.Cases * 3 / 4);
        Assert.Equal(half, again);
        Assert.Equal(100, half.WindowCases);
    }

    /// <summary>The log through the pipeline's own core with a scorer, the evaluation watching it as the Kafka job wires it.</summary>
    private static OnlineEvaluationReading RunOnline(string log, PipelineOptions options, OnlineEvaluationOptions settings)
    {
        var state = PipelineState.InMemory(options);
        var evaluation = new OnlineEvaluation(settings, options, state);
        using var core = new StreamCore(options, state, new BaselineScorer(), new PipelineMetrics(), evaluation);
        var slicer = new TickSlicer(options.RerankTick);
        var validator = new RecordValidator(options, state.Ids);
        var accepted = new List<EventRecord>();
        var rejected = new List<RejectedRecord>();
        void Process(EventBatch batch)
        {
            core.Process(batch);
            evaluation.ObserveDeltas(batch.Deltas);
        }

        using (var reader = new JsonLinesReader(log, options.MaxEventBytes))
        {
            while (reader.ReadBatch(options.BatchSize) is { } raw)
            {
                validator.Validate(raw, validator.MaxTs(TimeProvider.System), accepted, rejected);
                var batch = new EventBatch();
                batch.Events.AddRange(accepted);
                accepted.Clear();
                foreach (var slice in slicer.Slice(batch))
                {
                    Process(slice);
                }
            }
        }

        Process(slicer.Final());
        Assert.Empty(rejected);
        return evaluation.Read();
    }
}

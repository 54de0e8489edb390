using StreamRec.Model.Scoring;

namespace StreamRec.Model.Tests;

public sealed class OnnxLaneScorerTests : IClassFixture<TrainedFastTreeFixture>
{
    private readonly TrainedFastTreeFixture _fixture;

    public OnnxLaneScorerTests(TrainedFastTreeFixture fixture) => _fixture = fixture;

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Score_CallsSplitAcrossLanes_EveryRowHasTheBytesOfOneLane(int lanes)
    {
        var rows = SyntheticRankingData.Generate(5_000, seed: 9).Select(r => r.Features).ToList();
        var flat = SyntheticRankingData.Flatten(rows);
        using var single = new OnnxBatchScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames);
        using var laned = new OnnxLaneScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames, lanes);

        // Sizes below, at and around the point where a call is split, and ranges that end inside a run.
        foreach (var count in new[] { 0, 1, 63, OnnxLaneScorer.MinRowsPerLane * 2 - 1, OnnxLaneScorer.MinRowsPerLane * 2, 1_601, 5_000 })
        {
            var expected = new float[count];
            single.Score(flat, count, expected);
            var actual = Enumerable.Repeat(float.NaN, count + 1).ToArray();

            laned.Score(flat, count, actual);

            Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), actual[..count].Select(BitConverter.SingleToInt32Bits));
            Assert.True(float.IsNaN(actual[count]), "a lane wrote past the call's rows");
        }
    }

    [Fact]
    public void Score_TooFewFeatureValuesForASplitCall_ThrowsAndScoresAgainAfterwards()
    {
        var rows = SyntheticRankingData.Generate(2_000, seed: 10).Select(r => r.Features).ToList();
        var flat = SyntheticRankingData.Flatten(rows);
        using var laned = new OnnxLaneScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames, 2);

        Assert.ThrowsAny<ArgumentException>(() => laned.Score(flat.AsSpan(0, flat.Length - 1), rows.Count, new float[rows.Count]));

        var scores = new float[rows.Count];
        laned.Score(flat, rows.Count, scores);
        Assert.Equal(_fixture.PredictWithMlNet(rows), scores, (a, b) => Math.Abs(a - b) <= 1e-4);
    }

    [Fact]
    public void Constructor_NoLanes_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxLaneScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames, 0));
    }
}

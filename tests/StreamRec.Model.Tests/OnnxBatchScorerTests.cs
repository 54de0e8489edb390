using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;

namespace StreamRec.Model.Tests;

public sealed class OnnxBatchScorerTests : IClassFixture<TrainedFastTreeFixture>
{
    private readonly TrainedFastTreeFixture _fixture;

    public OnnxBatchScorerTests(TrainedFastTreeFixture fixture) => _fixture = fixture;

    [Fact]
    public void Score_InBatchesOf1And64And1024_EqualsOneBigBatch()
    {
        var rows = SyntheticRankingData.Generate(2_500, seed: 5).Select(r => r.Features).ToList();
        float[] flat = SyntheticRankingData.Flatten(rows);
        using var scorer = new OnnxBatchScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames);
        var whole = new float[rows.Count];
        scorer.Score(flat, rows.Count, whole);

        foreach (int batch in new[] { 1, 64, 1024 })
        {
            var batched = new float[rows.Count];
            for (int start = 0; start < rows.Count; start += batch)
            {
                int count = Math.Min(batch, rows.Count - start);
                scorer.Score(
                    flat.AsSpan(start * SyntheticRankingData.FeatureCount, count * SyntheticRankingData.FeatureCount),
                    count,
                    batched.AsSpan(start, count));
            }

            Assert.Equal(whole, batched);
        }
    }

    [Fact]
    public void Score_BatchOfManyRuns_BuffersStayAtOneRunAndScoresStayCorrect()
    {
        var rows = SyntheticRankingData.Generate(300, seed: 6).Select(r => r.Features).ToList();
        float[] flat = SyntheticRankingData.Flatten(rows);
        using var scorer = new OnnxBatchScorer(
            _fixture.ModelPath,
            SyntheticRankingData.FeatureNames,
            new OnnxBatchScorerOptions { InitialBatchCapacity = 4 });
        var small = new float[4];
        scorer.Score(flat, 4, small);

        var all = new float[rows.Count];
        scorer.Score(flat, rows.Count, all);

        Assert.InRange(scorer.BatchCapacity, 4, 64);
        Assert.Equal(small, all[..4]);
        Assert.Equal(_fixture.PredictWithMlNet(rows), all, (a, b) => Math.Abs(a - b) <= 1e-4);
    }

    [Fact]
    public void Score_ZeroRows_LeavesScoresUntouched()
    {
        using var scorer = new OnnxBatchScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames);
        float[] scores = [42f];

        scorer.Score(ReadOnlySpan<float>.Empty, 0, scores);

        Assert.Equal(42f, scores[0]);
    }

    [Fact]
    public void Score_TooFewFeatureValues_Throws()
    {
        using var scorer = new OnnxBatchScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames);

        var ex = Assert.Throws<ArgumentException>(() => scorer.Score(new float[15], 2, new float[2]));

        Assert.Equal("featureRows", ex.ParamName);
    }

    [Fact]
    public void Constructor_CallerFeaturesInOtherOrder_ThrowsNamingFeature()
    {
        string[] reordered = [.. SyntheticRankingData.FeatureNames];
        (reordered[2], reordered[3]) = (reordered[3], reordered[2]);

        var ex = Assert.Throws<ModelManifestMismatchException>(() => new OnnxBatchScorer(_fixture.ModelPath, reordered));

        Assert.Contains("'recency_hours'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'affinity'", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, ex.Position);
    }

    [Fact]
    public void Constructor_ManifestMissingAFeatureTheCallerSupplies_ThrowsNamingFeature()
    {
        string directory = Path.Combine(_fixture.Directory, "missing-feature");
        Directory.CreateDirectory(directory);
        string modelPath = Path.Combine(directory, "ranker.onnx");
        File.Copy(_fixture.ModelPath, modelPath, overwrite: true);
        var features = SyntheticRankingData.FeatureNames.ToList();
        features[6] = "session_len";
        new ModelManifest(features, "missing-1", _fixture.Manifest.TrainedFrom).SaveForModel(modelPath);

        var ex = Assert.Throws<ModelManifestMismatchException>(
            () => new OnnxBatchScorer(modelPath, SyntheticRankingData.FeatureNames));

        Assert.Contains("'session_depth'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the model has no feature 'session_depth'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_ModelWithoutManifest_ThrowsFileNotFound()
    {
        string directory = Path.Combine(_fixture.Directory, "no-manifest");
        Directory.CreateDirectory(directory);
        string modelPath = Path.Combine(directory, "ranker.onnx");
        File.Copy(_fixture.ModelPath, modelPath, overwrite: true);

        Assert.Throws<FileNotFoundException>(() => new OnnxBatchScorer(modelPath, SyntheticRankingData.FeatureNames));
    }
}

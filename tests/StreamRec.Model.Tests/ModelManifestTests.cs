using StreamRec.Model.Manifest;

namespace StreamRec.Model.Tests;

public sealed class ModelManifestTests : IDisposable
{
    private static readonly string[] Features = ["user_ctr_7d", "item_ctr_7d", "affinity", "recency_hours"];

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "streamrec-manifest-tests-" + Guid.NewGuid().ToString("N"));

    public ModelManifestTests() => Directory.CreateDirectory(_directory);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void PathForModel_OnnxFile_AppendsManifestSuffix()
    {
        Assert.Equal("/models/ranker.onnx.manifest.json", ModelManifest.PathForModel("/models/ranker.onnx"));
    }

    [Fact]
    public async Task SaveAndLoad_RoundTrip_PreservesEveryField()
    {
        var manifest = NewManifest(Features);
        string modelPath = Path.Combine(_directory, "ranker.onnx");

        manifest.SaveForModel(modelPath);
        var loaded = ModelManifest.LoadForModel(modelPath);
        await manifest.SaveAsync(Path.Combine(_directory, "async.json"), CancellationToken.None);
        var loadedAsync = await ModelManifest.LoadAsync(Path.Combine(_directory, "async.json"), CancellationToken.None);

        foreach (var copy in new[] { loaded, loadedAsync })
        {
            Assert.Equal(manifest.FeatureNames, copy.FeatureNames);
            Assert.Equal(manifest.ModelVersion, copy.ModelVersion);
            Assert.Equal(manifest.TrainedFrom with { ValidationMetrics = copy.TrainedFrom.ValidationMetrics }, copy.TrainedFrom);
            Assert.Equal(manifest.TrainedFrom.ValidationMetrics, copy.TrainedFrom.ValidationMetrics);
        }

        string json = await File.ReadAllTextAsync(ModelManifest.PathForModel(modelPath));
        Assert.Contains("\"featureNames\"", json, StringComparison.Ordinal);
        Assert.Contains("\"trainedFrom\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureMatches_SameFeaturesInSameOrder_DoesNotThrow()
    {
        NewManifest(Features).EnsureMatches(Features.ToList());
    }

    [Fact]
    public void EnsureMatches_SwappedFeatures_ThrowsNamingFirstMismatch()
    {
        var manifest = NewManifest(Features);
        string[] swapped = ["user_ctr_7d", "affinity", "item_ctr_7d", "recency_hours"];

        var ex = Assert.Throws<ModelManifestMismatchException>(() => manifest.EnsureMatches(swapped));

        Assert.Equal(1, ex.Position);
        Assert.Equal("affinity", ex.ExpectedFeature);
        Assert.Equal("item_ctr_7d", ex.ManifestFeature);
        Assert.Contains("position 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'affinity'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'item_ctr_7d'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("out of order", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureMatches_CallerHasFeatureTheModelLacks_ThrowsNamingIt()
    {
        var manifest = NewManifest(Features);
        string[] expected = ["user_ctr_7d", "item_ctr_7d", "dwell_seconds", "recency_hours"];

        var ex = Assert.Throws<ModelManifestMismatchException>(() => manifest.EnsureMatches(expected));

        Assert.Contains("'dwell_seconds'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("the model has no feature 'dwell_seconds'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureMatches_CallerHasMoreFeatures_ThrowsNamingTheFirstExtra()
    {
        var manifest = NewManifest(Features);
        string[] expected = [.. Features, "is_weekend"];

        var ex = Assert.Throws<ModelManifestMismatchException>(() => manifest.EnsureMatches(expected));

        Assert.Equal(4, ex.Position);
        Assert.Contains("'is_weekend'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureMatches_CallerMissesAModelFeature_ThrowsNamingIt()
    {
        var manifest = NewManifest(Features);
        string[] expected = Features[..3];

        var ex = Assert.Throws<ModelManifestMismatchException>(() => manifest.EnsureMatches(expected));

        Assert.Equal("recency_hours", ex.ManifestFeature);
        Assert.Contains("'recency_hours'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_DuplicateFeature_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => NewManifest(["a", "b", "a"]));

        Assert.Contains("'a'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestWithoutFeatures_ThrowsInvalidData()
    {
        string path = Path.Combine(_directory, "bad.json");
        File.WriteAllText(path, """{ "featureNames": [], "modelVersion": "x", "trainedFrom": null }""");

        Assert.Throws<InvalidDataException>(() => ModelManifest.Load(path));
    }

    private static ModelManifest NewManifest(IReadOnlyList<string> features) =>
        new(
            features,
            "2024-06-01.1",
            new ModelTrainingSummary(
                TrainingRows: 5_000,
                Positives: 1_234,
                WindowStart: new DateTimeOffset(2024, 5, 1, 0, 0, 0, TimeSpan.Zero),
                WindowEnd: new DateTimeOffset(2024, 5, 31, 0, 0, 0, TimeSpan.FromHours(2)),
                TrainerName: "FastTreeBinary",
                ValidationMetrics: new Dictionary<string, double> { ["auc"] = 0.812, ["logLoss"] = 0.43 }));
}

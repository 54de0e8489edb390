using System.Globalization;
using Onnx;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using Xunit.Abstractions;

namespace StreamRec.Model.Tests;

public sealed class OnnxRankerExporterTests : IClassFixture<TrainedFastTreeFixture>
{
    private const double Tolerance = 1e-4;

    private readonly TrainedFastTreeFixture _fixture;
    private readonly ITestOutputHelper _output;

    public OnnxRankerExporterTests(TrainedFastTreeFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
    }

    [Fact]
    public void Export_FastTree_OnnxRuntimeMatchesMlNetProbability()
    {
        List<float[]> rows = ParityRows.Build(_fixture.Model.SubModel.TrainedTreeEnsemble);

        float[] expected = _fixture.PredictWithMlNet(rows);
        float[] actual = ScoreWithOnnx(rows);

        double maxError = ParityRows.AssertAgree(rows, expected, actual, Tolerance);

        _output.WriteLine($"FastTree parity over {rows.Count} rows: max |ML.NET - ONNX Runtime| = {maxError:E3}");
        Assert.True(rows.Count >= 5_000, $"Only {rows.Count} parity rows.");
    }

    [Fact]
    public void Export_FastTree_WritesServingSignatureConverterOpsetsAndMetadata()
    {
        var model = ReadModel(_fixture.ModelPath);

        // What Microsoft.ML.OnnxConverter 0.23.1 writes (it supports no newer opset); a converter upgrade that changes
        // these is a deliberate change, to be checked against ONNX Runtime and onnx.checker here.
        Assert.Contains(model.OpsetImport, o => o.Domain.Length == 0 && o.Version == 12);
        Assert.Contains(model.OpsetImport, o => o.Domain == "ai.onnx.ml" && o.Version == 2);
        var input = Assert.Single(model.Graph.Input);
        var output = Assert.Single(model.Graph.Output);
        Assert.Equal(OnnxRankerExporter.InputName, input.Name);
        Assert.Equal(OnnxRankerExporter.OutputName, output.Name);
        Assert.Equal(["N", "8"], input.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)));
        Assert.Equal(["N", "1"], output.Type.TensorType.Shape.Dim.Select(d => d.DimParam.Length > 0 ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)));

        // The converter's label branch (Binarizer, Cast) feeds no output and is gone.
        Assert.Equal(["TreeEnsembleRegressor", "Mul", "Add", "Sigmoid", "Identity"], model.Graph.Node.Select(n => n.OpType));
        string names = model.MetadataProps.Single(p => p.Key == OnnxRankerExporter.FeatureNamesMetadataKey).Value;
        Assert.Contains("\"user_ctr_7d\"", names, StringComparison.Ordinal);
        Assert.Equal(_fixture.Manifest.ModelVersion, model.MetadataProps.Single(p => p.Key == OnnxRankerExporter.ModelVersionMetadataKey).Value);
        Assert.True(File.Exists(ModelManifest.PathForModel(_fixture.ModelPath)));
    }

    [Fact]
    public void Export_SameModelTwice_WritesIdenticalBytes()
    {
        using var first = new MemoryStream();
        using var second = new MemoryStream();

        new OnnxRankerExporter().Export(_fixture.Transformer, _fixture.Manifest, first);
        new OnnxRankerExporter().Export(_fixture.Transformer, _fixture.Manifest, second);

        Assert.Equal(first.ToArray(), second.ToArray());
        Assert.Equal(File.ReadAllBytes(_fixture.ModelPath), first.ToArray());
    }

    [SkippableFact]
    public void Export_FastTree_PassesOnnxCheckerFullCheck()
    {
        Skip.IfNot(OnnxChecker.IsAvailable, OnnxChecker.MissingReason);

        var (exitCode, text) = OnnxChecker.FullCheck(_fixture.ModelPath);

        _output.WriteLine(text);
        Assert.True(exitCode == 0, $"onnx.checker rejected the model: {text}");
    }

    [Fact]
    public void Export_ManifestWithFewerFeaturesThanTheModelUses_Throws()
    {
        var narrow = new ModelManifest(["user_ctr_7d", "item_ctr_7d"], "narrow-1", _fixture.Manifest.TrainedFrom);

        var ex = Assert.Throws<ArgumentException>(() => new OnnxRankerExporter().Export(_fixture.Transformer, narrow, Stream.Null));

        Assert.Contains("the 2 features the manifest lists", ex.Message, StringComparison.Ordinal);
    }

    private static ModelProto ReadModel(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream);
    }

    private float[] ScoreWithOnnx(List<float[]> rows)
    {
        using var scorer = new OnnxBatchScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames);
        var scores = new float[rows.Count];
        scorer.Score(SyntheticRankingData.Flatten(rows), rows.Count, scores);
        return scores;
    }
}

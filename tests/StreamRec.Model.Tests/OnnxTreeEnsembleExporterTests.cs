using System.Diagnostics;
using Onnx;
using StreamRec.Model.Export;
using StreamRec.Model.Manifest;
using StreamRec.Model.Scoring;
using Xunit.Abstractions;

namespace StreamRec.Model.Tests;

public sealed class OnnxTreeEnsembleExporterTests : IClassFixture<TrainedFastTreeFixture>
{
    private const double Tolerance = 1e-4;

    private readonly TrainedFastTreeFixture _fixture;
    private readonly ITestOutputHelper _output;

    public OnnxTreeEnsembleExporterTests(TrainedFastTreeFixture fixture, ITestOutputHelper output)
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
    public void Export_FastTree_WritesOpsetsSignatureAndFeatureMetadata()
    {
        ModelProto model;
        using (var stream = File.OpenRead(_fixture.ModelPath))
        {
            model = ModelProto.Parser.ParseFrom(stream);
        }

        Assert.Contains(model.OpsetImport, o => o.Domain.Length == 0 && o.Version == OnnxTreeEnsembleExporter.OnnxOpsetVersion);
        Assert.Contains(model.OpsetImport, o => o.Domain == "ai.onnx.ml" && o.Version == OnnxTreeEnsembleExporter.OnnxMlOpsetVersion);
        Assert.Equal(OnnxTreeEnsembleExporter.InputName, Assert.Single(model.Graph.Input).Name);
        Assert.Equal(OnnxTreeEnsembleExporter.OutputName, Assert.Single(model.Graph.Output).Name);
        Assert.Equal(["TreeEnsembleRegressor", "Mul", "Add", "Sigmoid"], model.Graph.Node.Select(n => n.OpType));
        string names = model.MetadataProps.Single(p => p.Key == OnnxTreeEnsembleExporter.FeatureNamesMetadataKey).Value;
        Assert.Contains("\"user_ctr_7d\"", names, StringComparison.Ordinal);
        Assert.True(File.Exists(ModelManifest.PathForModel(_fixture.ModelPath)));
    }

    [SkippableFact]
    public void Export_FastTree_PassesOnnxCheckerFullCheck()
    {
        const string python = "/usr/bin/python3";
        Skip.IfNot(
            File.Exists(python) && RunPython(python, "import onnx").ExitCode == 0,
            "The independent ONNX checker is not installed: apt-get install python3-onnx (provides `import onnx` for /usr/bin/python3).");

        var (exitCode, text) = RunPython(
            python,
            "import sys, onnx; onnx.checker.check_model(sys.argv[1], full_check=True); print('onnx', onnx.__version__, 'ok')",
            _fixture.ModelPath);

        _output.WriteLine(text);
        Assert.True(exitCode == 0, $"onnx.checker rejected the model: {text}");
    }

    [Fact]
    public void Export_ManifestWithFewerFeaturesThanTheModelUses_Throws()
    {
        var narrow = new ModelManifest(["user_ctr_7d", "item_ctr_7d"], "narrow-1", _fixture.Manifest.TrainedFrom);

        var ex = Assert.Throws<ArgumentException>(() => new OnnxTreeEnsembleExporter().Export(_fixture.Model, narrow, Stream.Null));

        Assert.Contains("manifest lists 2 features", ex.Message, StringComparison.Ordinal);
    }

    private float[] ScoreWithOnnx(List<float[]> rows)
    {
        using var scorer = new OnnxBatchScorer(_fixture.ModelPath, SyntheticRankingData.FeatureNames);
        var scores = new float[rows.Count];
        scorer.Score(SyntheticRankingData.Flatten(rows), rows.Count, scores);
        return scores;
    }

    private static (int ExitCode, string Text) RunPython(string python, string code, params string[] args)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(code);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} did not finish within 60 s.");
        }

        return (process.ExitCode, stdout.GetAwaiter().GetResult() + stderr);
    }
}

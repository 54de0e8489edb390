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
        List<float[]> rows = ParityRows();

        float[] expected = _fixture.PredictWithMlNet(rows);
        float[] actual = ScoreWithOnnx(rows);

        double maxError = 0;
        int worst = -1;
        for (int i = 0; i < rows.Count; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (double.IsNaN(error) || error > maxError)
            {
                maxError = double.IsNaN(error) ? double.PositiveInfinity : error;
                worst = i;
            }
        }

        _output.WriteLine($"Parity over {rows.Count} rows: max |ML.NET - ONNX Runtime| = {maxError:E3}");
        Assert.True(
            maxError <= Tolerance,
            $"Row {worst} [{string.Join(", ", worst >= 0 ? rows[worst] : [])}]: ML.NET {(worst >= 0 ? expected[worst] : 0)}, ONNX {(worst >= 0 ? actual[worst] : 0)} (max error {maxError}).");
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

    /// <summary>
    /// Fresh rows, rows that sit exactly on every split threshold (and one ulp either side), and extreme values:
    /// infinities, the largest finite floats, signed zeros and NaN.
    /// </summary>
    private List<float[]> ParityRows()
    {
        var rows = SyntheticRankingData.Generate(3_000, seed: 99).Select(r => r.Features).ToList();
        float[][] bases = rows.Take(64).ToArray();

        int b = 0;
        foreach (var tree in _fixture.Model.SubModel.TrainedTreeEnsemble.Trees)
        {
            for (int n = 0; n < tree.NumberOfNodes; n++)
            {
                int feature = tree.NumericalSplitFeatureIndexes[n];
                float threshold = tree.NumericalSplitThresholds[n];
                foreach (float value in new[] { threshold, MathF.BitIncrement(threshold), MathF.BitDecrement(threshold) })
                {
                    var row = (float[])bases[b++ % bases.Length].Clone();
                    row[feature] = value;
                    rows.Add(row);
                }
            }
        }

        float[] extremes =
        [
            float.NaN, float.PositiveInfinity, float.NegativeInfinity, float.MaxValue, float.MinValue,
            float.Epsilon, -float.Epsilon, 0f, -0f, 1e30f, -1e30f,
        ];
        foreach (float value in extremes)
        {
            rows.Add(Enumerable.Repeat(value, SyntheticRankingData.FeatureCount).ToArray());
            for (int f = 0; f < SyntheticRankingData.FeatureCount; f++)
            {
                var row = (float[])bases[b++ % bases.Length].Clone();
                row[f] = value;
                rows.Add(row);
            }
        }

        return rows;
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

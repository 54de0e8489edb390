using BenchmarkDotNet.Attributes;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Replay;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Serving;
using StreamRec.Simulation;

namespace StreamRec.Benchmarks;

/// <summary>
/// A whole replay (decode, state, re-rank, score, write deltas) of one seeded simulated log, scored by the
/// baseline and by the shipped model in the same run, so their ratio is measured, not estimated.
/// </summary>
public class ReplayBenchmarks : IDisposable
{
    private string _directory = string.Empty;
    private string _log = string.Empty;
    private OnnxScorer? _model;

    [Params("baseline", "model")]
    public string Scorer { get; set; } = "baseline";

    [GlobalSetup]
    public void Setup()
    {
        _directory = Directory.CreateTempSubdirectory("streamrec-bench-").FullName;
        _log = Path.Combine(_directory, "log.jsonl");
        var events = new LiveCommerceSimulator(new SimulationOptions { Users = 2000, Rooms = 120, Duration = TimeSpan.FromHours(1), Seed = 21 }).Generate();
        File.WriteAllLines(_log, events.Select(e => System.Text.Json.JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent)));
        Console.WriteLine($"// replaying {events.Count} events per operation");
        var path = Path.Combine(AppContext.BaseDirectory, "models", "ranker.onnx");
        _model = new OnnxScorer(path, new OnnxScorerOptions { WatchFileSystem = false, PollInterval = Timeout.InfiniteTimeSpan });
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _model?.Dispose();
        _model = null;
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }

        GC.SuppressFinalize(this);
    }

    [Benchmark]
    public async Task<ReplaySummary> Replay()
    {
        IScorer scorer = Scorer == "model" ? _model! : new BaselineScorer();
        return await new ReplayJob(new ReplayOptions(_log, Path.Combine(_directory, "deltas.jsonl")), new PipelineOptions(), scorer, TimeProvider.System)
            .RunAsync(CancellationToken.None);
    }
}

using BenchmarkDotNet.Attributes;
using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Core;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Simulation;

namespace StreamRec.Benchmarks;

/// <summary>
/// The stateful steps one at a time, over the state a replayed simulated world leaves behind (20k users, 1,000
/// rooms): interest update of one event, retrieval for one user, feature rows for 64 users, and the top-K of one
/// user's scored candidates.
/// </summary>
public class CoreStageBenchmarks
{
    private readonly List<int> _candidates = [];
    private PipelineOptions _options = null!;
    private PipelineState _state = null!;
    private EventRecord[] _events = [];
    private int[] _users = [];
    private UserState _user = null!;
    private UserContext _context = null!;
    private InterestUpdate _interest = null!;
    private CandidateRetrieval _retrieval = null!;
    private FeatureExtractor _features = null!;
    private CandidateScoring _scoring = null!;
    private float[] _scores = [];
    private long _now;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _options = new PipelineOptions { Partitions = 1 }.Validate();
        _state = PipelineState.InMemory(_options);
        var core = new StreamCore(_options, _state, new BaselineScorer(), new PipelineMetrics());
        var slicer = new TickSlicer(_options.RerankTick);
        var validator = new RecordValidator(_options, _state.Ids);
        var log = Path.Combine(Path.GetTempPath(), $"streamrec-stages-{Guid.NewGuid():N}.jsonl");
        using (var file = File.Create(log))
        {
            new LiveCommerceSimulator(new SimulationOptions { Users = 20_000, Rooms = 1_000, Duration = TimeSpan.FromHours(1), Seed = 5 }).WriteJsonLines(file, CancellationToken.None);
        }

        var users = new List<EventRecord>();
        using (var reader = new JsonLinesReader(log, _options.MaxEventBytes))
        {
            while (reader.ReadBatch(4096) is { } raw)
            {
                var batch = new EventBatch();
                validator.Validate(raw, long.MaxValue, batch.Events, []);
                users.AddRange(batch.Events.Where(e => e.IsUserEvent));

                foreach (var slice in slicer.Slice(batch))
                {
                    core.Process(slice);
                }
            }
        }

        File.Delete(log);
        _events = [.. users.TakeLast(4096)];
        _now = slicer.Clock;
        _users = [.. _events.Select(e => e.User).Distinct().Take(64)];
        _user = _state.Partitions[0].Users.Peek(_users[0])!;
        _context = new UserContext(_options.VectorDimensions);
        _interest = new InterestUpdate(_options, _state);
        _retrieval = new CandidateRetrieval(_options, _state);
        _features = new FeatureExtractor(_options, _state);
        _features.PrepareUser(_user, _now, _context);
        _scoring = new CandidateScoring(_options, _state, _state.Partitions[0]);
        _scoring.BuildRows(_users, 0, _users.Length, _now);
        _scores = new float[_scoring.Rows];
        new BaselineScorer().Score(_scoring.Matrix, _scoring.Rows, _scores);
    }

    [Benchmark]
    public void InterestUpdate() => _interest.Apply(_events[_next++ % _events.Length], _user);

    [Benchmark]
    public int Retrieval()
    {
        _retrieval.Collect(_user, _context, _now, _candidates);
        return _candidates.Count;
    }

    [Benchmark(OperationsPerInvoke = 64)]
    public int FeatureRows()
    {
        _scoring.BuildRows(_users, 0, _users.Length, _now);
        return _scoring.Rows;
    }

    /// <summary>Ranks the top K of every user of the round (see <see cref="FeatureRows"/>).</summary>
    [Benchmark(OperationsPerInvoke = 64)]
    public int TopK()
    {
        _scoring.RankGroups(_scores);
        return _scoring.RankedOf(0).Length;
    }
}

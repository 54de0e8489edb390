using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Replay;
using StreamRec.Pipeline.Scoring;
using StreamRec.Simulation;

namespace StreamRec.IntegrationTests.Support;

/// <summary>
/// The reference scenario, run once for the test class: simulate 5,000 users / 300 rooms / 2 hours,
/// then replay it twice.
/// </summary>
public sealed class SimulatedReplayFixture : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-it-").FullName;

    public string LogPath => Path.Combine(_directory, "log.jsonl");

    public string FirstDeltas => Path.Combine(_directory, "deltas-1.jsonl");

    public string SecondDeltas => Path.Combine(_directory, "deltas-2.jsonl");

    public ReplaySummary First { get; private set; } = null!;

    public ReplaySummary Second { get; private set; } = null!;

    public int LoggedEvents { get; private set; }

    public async Task InitializeAsync()
    {
        var events = new LiveCommerceSimulator(new SimulationOptions { Users = 5000, Rooms = 300, Duration = TimeSpan.FromHours(2), Seed = 7 }).Generate();
        await File.WriteAllLinesAsync(LogPath, events.Select(Json.Line));
        LoggedEvents = events.Count;
        First = await Replay(FirstDeltas);
        Second = await Replay(SecondDeltas);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A fresh path in the fixture's directory.</summary>
    public string PathFor(string name) => Path.Combine(_directory, name);

    /// <summary>Replays the log into <paramref name="output"/> with the default options and <paramref name="partitions"/> (default 4).</summary>
    public async Task<ReplaySummary> Replay(string output, int? partitions = null)
    {
        var options = partitions is { } p ? new PipelineOptions { Partitions = p } : new PipelineOptions();
        return await new ReplayJob(new ReplayOptions(LogPath, output), options, new BaselineScorer(), TimeProvider.System).RunAsync(CancellationToken.None);
    }
}

using BenchmarkDotNet.Attributes;
using StreamRec.Simulation;

namespace StreamRec.Benchmarks;

/// <summary>
/// The simulator at benchmark sizes (one room per 40 users, as in the 1M-user / 25k-room world): the world sweep
/// alone, and the whole JSON-lines export (sweep on one thread, formatting on the caller's) into a null stream,
/// so neither disk nor gzip is measured. Divide the printed event count by the mean for events per second.
/// </summary>
public class SimulatorBenchmarks
{
    private SimulationOptions _options = new();

    [Params(10_000, 100_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new SimulationOptions { Users = Users, Rooms = Users / 40, Duration = TimeSpan.FromHours(2), Seed = 1 };
        Console.WriteLine($"// {Sweep()} events per operation");
    }

    [Benchmark(Baseline = true)]
    public long Sweep()
    {
        var sweep = new WorldSweep(_options);
        var buffer = new WorldEvent[16 * 1024];
        long events = 0;
        int count;
        while ((count = sweep.Fill(buffer)) > 0)
        {
            events += count;
        }

        return events;
    }

    [Benchmark]
    public long WriteJsonLines() => new LiveCommerceSimulator(_options).WriteJsonLines(Stream.Null, CancellationToken.None).Events;
}

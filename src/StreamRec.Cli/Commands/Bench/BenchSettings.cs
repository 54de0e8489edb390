using StreamRec.Pipeline.Options;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>The world and the measurements of one <c>streamrec bench</c> run.</summary>
internal sealed record BenchSettings
{
    public int Users { get; init; } = 1_000_000;

    /// <summary>Rooms of the world; the simulator gives four streamers to every five rooms.</summary>
    public int Rooms { get; init; } = 25_000;

    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(2);

    public ulong Seed { get; init; } = 1;

    /// <summary>User partitions of the replays and of the broker's topics.</summary>
    public int Partitions { get; init; } = 2;

    /// <summary>Events pushed through the embedded broker (a prefix of the log: the broker keeps ~5 MB per partition).</summary>
    public int KafkaEvents { get; init; } = 100_000;

    /// <summary>How long the live run that measures freshness produces, at half the measured Kafka rate.</summary>
    public TimeSpan LiveDuration { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Where generated worlds are cached.</summary>
    public string Directory { get; init; } = Path.Combine("out", "bench");

    public bool Kafka { get; init; } = true;

    /// <summary>
    /// The pipeline's settings for every measurement, read as <c>replay</c> and <c>run</c> read them (the replays'
    /// child processes read the same environment), so one run measures one configuration.
    /// </summary>
    public PipelineOptions Pipeline { get; init; } = new();

    /// <summary>The small world of <c>--quick</c>: runs in well under a minute, for CI.</summary>
    public static BenchSettings Quick { get; } = new()
    {
        Users = 20_000, Rooms = 1_000, Duration = TimeSpan.FromHours(1), KafkaEvents = 20_000, LiveDuration = TimeSpan.FromSeconds(5),
    };

    public string WorldName => $"world-{Users}u-{Rooms}r-{Duration.TotalMinutes:0}m-s{Seed}.jsonl";
}

using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Replay;
using StreamRec.Pipeline.Scoring;
using StreamRec.Simulation;

namespace StreamRec.Kafka.IntegrationTests.Support;

/// <summary>A small simulated log on disk, its file replay as reference, and its production onto Kafka.</summary>
internal sealed class SimulatedLog : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("streamrec-kafka-it-").FullName;

    private SimulatedLog(IReadOnlyList<LiveEvent> events)
    {
        Events = events;
        File.WriteAllLines(Path, events.Select(e => JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent)));
    }

    public IReadOnlyList<LiveEvent> Events { get; }

    public string Path => System.IO.Path.Combine(_directory, "log.jsonl");

    /// <summary>300 users, 30 rooms, half an hour: a few hundred events, seconds to run.</summary>
    public static SimulatedLog Small() =>
        new(new LiveCommerceSimulator(new SimulationOptions { Users = 300, Rooms = 30, Duration = TimeSpan.FromHours(0.5) }).Generate());

    /// <summary>Three hours of the same world: enough event time for the user topics to lag by hours.</summary>
    public static SimulatedLog ThreeHours() =>
        new(new LiveCommerceSimulator(new SimulationOptions { Users = 300, Rooms = 30, Duration = TimeSpan.FromHours(3), Seed = 8 }).Generate());

    /// <summary>Three hours of a world of 1,500 users: a backlog much larger than the pipeline's buffers.</summary>
    public static SimulatedLog Backlog() =>
        new(new LiveCommerceSimulator(new SimulationOptions { Users = 1_500, Rooms = 60, Duration = TimeSpan.FromHours(3), Seed = 9 }).Generate());

    /// <summary>
    /// 1,000 users, 50 rooms, an hour: long enough to kill an instance in the middle, small enough that the deltas topic
    /// stays far inside the embedded broker's ~5 MB window per partition.
    /// </summary>
    public static SimulatedLog Takeover() =>
        new(new LiveCommerceSimulator(new SimulationOptions { Users = 1_000, Rooms = 50, Duration = TimeSpan.FromHours(1), Seed = 12 }).Generate());

    /// <summary>Produces the rooms topic's whole share of the log first, then the user topics' share.</summary>
    public async Task ProduceRoomsFirstAsync(KafkaOptions kafka, CancellationToken cancellationToken)
    {
        var rooms = System.IO.Path.Combine(_directory, "rooms.jsonl");
        var users = System.IO.Path.Combine(_directory, "users.jsonl");
        var lines = Events.Select(e => (Room: e is RoomStartEvent or RoomStopEvent or RoomUpdateEvent, Json: JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent))).ToList();
        await File.WriteAllLinesAsync(rooms, lines.Where(l => l.Room).Select(l => l.Json), cancellationToken);
        await File.WriteAllLinesAsync(users, lines.Where(l => !l.Room).Select(l => l.Json), cancellationToken);
        await new EventLogProducer(kafka, rooms, paceLag: null, TimeProvider.System, NullLogger.Instance).RunAsync(cancellationToken);
        await new EventLogProducer(kafka, users, paceLag: null, TimeProvider.System, NullLogger.Instance).RunAsync(cancellationToken);
    }

    /// <summary>Produces the user topics' share of the log only: the rooms topic stays empty.</summary>
    public async Task ProduceUserEventsAsync(KafkaOptions kafka, CancellationToken cancellationToken)
    {
        var users = System.IO.Path.Combine(_directory, "users-only.jsonl");
        await File.WriteAllLinesAsync(
            users, Events.Where(e => e is not (RoomStartEvent or RoomStopEvent or RoomUpdateEvent)).Select(e => JsonSerializer.Serialize(e, ContractJson.Default.LiveEvent)), cancellationToken);
        await new EventLogProducer(kafka, users, paceLag: null, TimeProvider.System, NullLogger.Instance).RunAsync(cancellationToken);
    }

    /// <summary>The deltas the file replay writes for this log, as JSON lines.</summary>
    public async Task<IReadOnlyList<string>> ReplayAsync(PipelineOptions options, CancellationToken cancellationToken)
    {
        var output = System.IO.Path.Combine(_directory, $"replay-{Guid.NewGuid():N}.jsonl");
        await new ReplayJob(new ReplayOptions(Path, output), options, new BaselineScorer(), TimeProvider.System).RunAsync(cancellationToken);
        return File.ReadAllLines(output);
    }

    /// <summary>Produces the lines [<paramref name="from"/>, <paramref name="to"/>) of the log only, in order.</summary>
    public async Task ProduceLinesAsync(KafkaOptions kafka, int from, int to, CancellationToken cancellationToken)
    {
        var part = System.IO.Path.Combine(_directory, $"lines-{from}-{to}.jsonl");
        await File.WriteAllLinesAsync(part, File.ReadLines(Path).Skip(from).Take(to - from), cancellationToken);
        await new EventLogProducer(kafka, part, paceLag: null, TimeProvider.System, NullLogger.Instance).RunAsync(cancellationToken);
    }

    public async Task<EventLogProduceSummary> ProduceAsync(KafkaOptions kafka, CancellationToken cancellationToken) =>
        await new EventLogProducer(kafka, Path, paceLag: null, TimeProvider.System, NullLogger.Instance).RunAsync(cancellationToken);

    /// <summary>Each room's live intervals [start, stop) according to the log.</summary>
    public Dictionary<string, List<(long Start, long Stop)>> LiveIntervals()
    {
        var intervals = new Dictionary<string, List<(long Start, long Stop)>>();
        var open = new Dictionary<string, long>();
        foreach (var e in Events)
        {
            if (e is RoomStartEvent start)
            {
                open.TryAdd(start.RoomId, start.Ts);
            }
            else if (e is RoomStopEvent stop && open.Remove(stop.RoomId, out var from))
            {
                Add(stop.RoomId, from, stop.Ts);
            }
        }

        foreach (var (room, from) in open)
        {
            Add(room, from, long.MaxValue);
        }

        return intervals;

        void Add(string room, long from, long to)
        {
            if (!intervals.TryGetValue(room, out var list))
            {
                intervals[room] = list = [];
            }

            list.Add((from, to));
        }
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}

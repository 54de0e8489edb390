using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Simulation;

namespace StreamRec.Cli.Commands.Demo;

/// <summary>
/// <c>streamrec traffic</c>: the demo's live traffic (simulated users and rooms at a steady rate, event time = wall
/// time of sending) onto the input topics of a broker that runs elsewhere, such as the compose file's Kafka.
/// </summary>
internal static class TrafficCommand
{
    public static Command Create()
    {
        var bootstrap = new Option<string>("--bootstrap-servers") { Description = "Kafka bootstrap servers, host:port[,...].", Required = true };
        var duration = new Option<string?>("--duration") { Description = "How long to send (30s, 5m, 1h); default: until Ctrl+C." };
        var rate = new Option<double>("--rate") { Description = "Events per second.", DefaultValueFactory = _ => 1000 };
        var users = new Option<int>("--users") { Description = "Simulated users.", DefaultValueFactory = _ => 5000 };
        var rooms = new Option<int>("--rooms") { Description = "Simulated rooms.", DefaultValueFactory = _ => 300 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the simulated world.", DefaultValueFactory = _ => 7 };
        var command = new Command("traffic", "Send simulated live traffic (event time following wall time) onto the input topics of a running broker.")
        {
            bootstrap, duration, rate, users, rooms, seed,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            TimeSpan? runFor = null;
            if (result.GetValue(duration) is { } text)
            {
                if (!DurationText.TryParse(text, out var parsed))
                {
                    await System.Console.Error.WriteLineAsync($"traffic: --duration '{text}' is not a duration (say 30s, 5m or 1h).");
                    return 2;
                }

                runFor = parsed;
            }

            var kafka = new KafkaOptions
            {
                BootstrapServers = result.GetRequiredValue(bootstrap),
                InstanceId = "traffic",
                Producer = new Dictionary<string, string> { ["linger.ms"] = "1" },
            };
            try
            {
                kafka.Validate();
            }
            catch (ArgumentException ex)
            {
                await System.Console.Error.WriteLineAsync($"traffic: {ex.Message}");
                return 2;
            }

            if (result.GetValue(rate) is not (> 0 and <= 1_000_000) || result.GetValue(users) < 1 || result.GetValue(rooms) < 1)
            {
                await System.Console.Error.WriteLineAsync("traffic: --rate must be in (0, 1000000], --users and --rooms at least 1.");
                return 2;
            }

            // A month of simulated world: longer than any demo runs, so the traffic does not end by itself.
            var world = new SimulationOptions
            {
                Users = result.GetValue(users), Rooms = result.GetValue(rooms), Seed = result.GetValue(seed), Duration = TimeSpan.FromDays(31),
            };
            using var loggers = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning));
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (runFor is { } limit)
            {
                stop.CancelAfter(limit);
            }

            var clock = Stopwatch.StartNew();
            using var producer = KafkaClientConfigs.CreateProducer(kafka, loggers.CreateLogger("StreamRec.Traffic"));
            var sent = await LiveTraffic.RunAsync(producer, kafka.Topics, world, result.GetValue(rate), stop.Token);
            var summary = new TrafficSummary { EventsSent = sent, ElapsedMs = clock.ElapsedMilliseconds };
            System.Console.WriteLine(JsonSerializer.Serialize(summary, DemoJson.Default.TrafficSummary));
            return 0;
        });
        return command;
    }
}

using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Online;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Ranking.Serving;
using StreamRec.Simulation;
using StreamRec.Web;

namespace StreamRec.Cli.Commands.Demo;

/// <summary>
/// <c>streamrec demo</c>: in one process, the embedded broker, simulated live traffic at a steady rate (event time
/// following wall time), the pipeline over Kafka and the dashboard; ends with a one-line JSON summary.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var duration = new Option<string?>("--duration") { Description = "How long to run (30s, 5m, 1h); default: until Ctrl+C." };
        var rate = new Option<double>("--rate") { Description = "Events per second produced.", DefaultValueFactory = _ => 1000 };
        var users = new Option<int>("--users") { Description = "Simulated users.", DefaultValueFactory = _ => 5000 };
        var rooms = new Option<int>("--rooms") { Description = "Simulated rooms.", DefaultValueFactory = _ => 300 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the simulated world.", DefaultValueFactory = _ => 7 };
        var port = new Option<int>("--http-port") { Description = "Dashboard port on 127.0.0.1 (0: any free port).", DefaultValueFactory = _ => 8080 };
        var explain = new Option<bool>("--explain") { Description = "Explain each list entry (Pipeline:Explain): the user view shows the top contributing features." };
        var command = new Command("demo", "Simulated live traffic through the whole pipeline over an embedded broker, with the live dashboard.")
        {
            duration, rate, users, rooms, seed, port, explain,
        };
        var scorer = new ScorerOptions();
        scorer.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            TimeSpan? runFor = null;
            if (result.GetValue(duration) is { } text)
            {
                if (!DurationText.TryParse(text, out var parsed))
                {
                    await System.Console.Error.WriteLineAsync($"demo: --duration '{text}' is not a duration (say 30s, 5m or 1h).");
                    return 2;
                }

                runFor = parsed;
            }

            if (result.GetValue(rate) is not (> 0 and <= 1_000_000) || result.GetValue(users) < 1 || result.GetValue(rooms) < 1)
            {
                await System.Console.Error.WriteLineAsync("demo: --rate must be in (0, 1000000], --users and --rooms at least 1.");
                return 2;
            }

            using var loggers = LoggerFactory.Create(logging => logging
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace)
                .SetMinimumLevel(LogLevel.Warning));
            IScorer ranker;
            try
            {
                ranker = scorer.Create(result, loggers);
            }
            catch (Exception ex) when (ex is ArgumentException or FileNotFoundException or InvalidDataException or InvalidOperationException)
            {
                await System.Console.Error.WriteLineAsync($"demo: {ex.Message}");
                return 2;
            }

            var world = new SimulationOptions
            {
                Users = result.GetValue(users), Rooms = result.GetValue(rooms), Seed = result.GetValue(seed), Duration = TimeSpan.FromDays(31),
            };
            try
            {
                return await RunAsync(world, result.GetValue(rate), runFor, result.GetValue(port), ranker, new PipelineOptions { Explain = result.GetValue(explain) }, loggers, cancellationToken);
            }
            catch (IOException ex)
            {
                await System.Console.Error.WriteLineAsync($"demo: {ex.Message}");
                return 2;
            }
            finally
            {
                (ranker as IDisposable)?.Dispose();
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(
        SimulationOptions world, double rate, TimeSpan? runFor, int httpPort, IScorer scorer, PipelineOptions options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        var topics = new KafkaTopics();
        await using var broker = EmbeddedStreamRecBroker.Start(topics, partitions: 4);
        broker.SetInitialRebalanceDelay(TimeSpan.Zero);
        var kafka = new KafkaOptions
        {
            BootstrapServers = broker.BootstrapServers,
            GroupId = "streamrec-demo",
            InstanceId = "demo",
            MetricsInterval = TimeSpan.FromSeconds(5),

            // Live traffic: every client waits as little as it can for a fetch or a batch.
            Consumer = new Dictionary<string, string> { ["fetch.wait.max.ms"] = "5" },
            Producer = new Dictionary<string, string> { ["linger.ms"] = "1" },
        };
        var onnx = scorer as OnnxScorer;
        using var observability = new PipelineObservability(
            new OnlineEvaluationOptions { SampleRate = 1 }, () => onnx?.Manifest.ModelVersion ?? scorer.Name);
        if (onnx is not null)
        {
            onnx.ModelSwapped += (_, _) => observability.Sources.AddModelSwap();
        }

        var logger = loggers.CreateLogger("StreamRec.Demo");
        var job = new KafkaPipelineJob(kafka, options, scorer, TimeProvider.System, logger, producer: null, observability);
        await using var server = await StreamRecHttpServer.StartAsync(
            new HttpOptions { Port = httpPort }, observability, kafka.InstanceId, TimeSpan.FromSeconds(1), cancellationToken);
        System.Console.WriteLine($"Dashboard: {server.Address}");
        await System.Console.Out.FlushAsync(cancellationToken);
        await System.Console.Error.WriteLineAsync(
            $"demo: {rate:0} events/s from {world.Users} simulated users and {world.Rooms} rooms; {(runFor is { } d ? $"for {d.TotalSeconds:0} s" : "Ctrl+C stops")}.");

        var run = job.RunAsync(CancellationToken.None).AsTask();
        var failed = false;
        long produced = 0;
        try
        {
            var control = await job.Control.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            await control.FirstAssignment.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (runFor is { } limit)
            {
                stop.CancelAfter(limit);
            }

            using var traffic = Kafka.Hosting.KafkaClientConfigs.CreateProducer(kafka with { InstanceId = "demo-traffic" }, logger);
            var sending = LiveTraffic.RunAsync(traffic, topics, world, rate, stop.Token);
            produced = await Task.WhenAny(sending, run) == sending ? await sending : 0;
            await CatchUpAsync(job, produced, run);
            control.Stop();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C before the traffic started: stop the job below.
        }
        finally
        {
            if (job.Control.IsCompletedSuccessfully)
            {
                job.Control.Result.Stop();
            }

            try
            {
                await run;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failed = true;
                await System.Console.Error.WriteLineAsync($"demo: the pipeline failed: {ex.Message}");
            }
        }

        System.Console.WriteLine(JsonSerializer.Serialize(Summary(observability, produced, started.Elapsed), DemoJson.Default.DemoSummary));
        return failed ? 1 : 0;
    }

    /// <summary>Lets the pipeline take in what was sent before it stops, for at most a few seconds.</summary>
    private static async Task CatchUpAsync(KafkaPipelineJob job, long produced, Task run)
    {
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (job.Metrics.RecordsIn < produced && !run.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(5))
        {
            // Product code draining at the end of a demo, not a test waiting: the summary says what did not arrive.
            await Task.Delay(50);
        }
    }

    private static DemoSummary Summary(PipelineObservability observability, long produced, TimeSpan elapsed)
    {
        var reading = observability.Collector.Collect();
        var freshness = reading.Histograms.GetValueOrDefault((InstrumentNames.DeltaFreshness, string.Empty)) ?? HistogramReading.Empty;
        var stops = reading.Histograms.GetValueOrDefault((InstrumentNames.RoomStopLatency, string.Empty)) ?? HistogramReading.Empty;
        var online = observability.Online?.Read();
        var metrics = observability.Metrics;
        return new DemoSummary
        {
            EventsProduced = produced,
            EventsIn = metrics.RecordsIn,
            DeltasOut = metrics.DeltasOut,
            DeadLettered = metrics.DeadLettered,
            FreshnessP50Ms = Ms(freshness, 0.50),
            FreshnessP99Ms = Ms(freshness, 0.99),
            RoomStopP99Ms = Ms(stops, 0.99),
            OnlineCases = online?.Cases ?? 0,
            OnlineH10 = Math.Round(online?.ModelTotal.H10 ?? 0, 4),
            PopularityH10 = Math.Round(online?.PopularityTotal.H10 ?? 0, 4),
            ElapsedMs = (long)elapsed.TotalMilliseconds,
        };
    }

    private static double? Ms(HistogramReading reading, double q) => reading.Count == 0 ? null : Math.Round(reading.Quantile(q) * 1000, 1);
}

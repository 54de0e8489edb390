using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamRec.Pipeline.Options;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>
/// <c>streamrec bench</c>: the measuring instrument. Generates (or reuses) a world, then measures decoding
/// alone, whole replays with the baseline and with the model (in child processes), ONNX Runtime alone on
/// batches of the pipeline's size, and the pipeline through the embedded broker against plain
/// produce→consume, and prints each figure with its ratio.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var defaults = new BenchSettings();
        var json = new Option<bool>("--json") { Description = "Print the report as one JSON object (the last line)." };
        var quick = new Option<bool>("--quick") { Description = "A small world that runs in well under a minute (for CI)." };
        var users = new Option<int?>("--users") { Description = $"Users of the world (default {defaults.Users:N0})." };
        var rooms = new Option<int?>("--rooms") { Description = $"Rooms of the world (default {defaults.Rooms:N0}: {defaults.Rooms * 4 / 5:N0} streamers)." };
        var hours = new Option<double?>("--hours") { Description = $"Event time the world spans (default {defaults.Duration.TotalHours} h)." };
        var partitions = new Option<int?>("--partitions") { Description = $"User partitions (default {defaults.Partitions})." };
        var directory = new Option<DirectoryInfo?>("--dir") { Description = $"Where worlds are cached (default {defaults.Directory})." };
        var noKafka = new Option<bool>("--no-kafka") { Description = "Skip the embedded-broker measurements." };
        var command = new Command("bench", "Measure the pipeline on a generated world: every figure next to the limit it is compared with.")
        {
            json, quick, users, rooms, hours, partitions, directory, noKafka,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var settings = result.GetValue(quick) ? BenchSettings.Quick : defaults;
            settings = settings with
            {
                Users = result.GetValue(users) ?? settings.Users,
                Rooms = result.GetValue(rooms) ?? settings.Rooms,
                Duration = result.GetValue(hours) is { } h ? TimeSpan.FromHours(h) : settings.Duration,
                Partitions = result.GetValue(partitions) ?? settings.Partitions,
                Directory = result.GetValue(directory)?.FullName ?? settings.Directory,
                Kafka = !result.GetValue(noKafka),
                Pipeline = PipelineSettings.Read(null),
            };
            if (settings.Users < 1 || settings.Rooms < 1 || settings.Duration <= TimeSpan.Zero || settings.Partitions is < 1 or > 256)
            {
                await System.Console.Error.WriteLineAsync("bench: users, rooms and hours must be positive, and partitions in [1, 256].");
                return 2;
            }

            try
            {
                settings.Pipeline.Validate();
            }
            catch (ArgumentException ex)
            {
                await System.Console.Error.WriteLineAsync($"bench: {ex.Message}");
                return 2;
            }

            try
            {
                var report = await RunAsync(settings, cancellationToken);
                Print(report, result.GetValue(json));
                return 0;
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException)
            {
                await System.Console.Error.WriteLineAsync($"bench: {ex.Message}");
                return 1;
            }
        });
        return command;
    }

    private static async Task<BenchReport> RunAsync(BenchSettings settings, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        Step($"world: {settings.Users:N0} users, {settings.Rooms:N0} rooms, {settings.Duration.TotalHours} h (cached in {settings.Directory})");
        var (log, _, simulateRate, peakLive) = BenchWorld.Ensure(settings, cancellationToken);

        Step("decode: read, decode and validate only");
        var (events, decodeRate) = DecodeMeasurement.Run(log, settings.Pipeline, cancellationToken);

        Step("replay: baseline scorer, with the state measured at the end");
        var baseline = await ReplayMeasurement.RunAsync(log, ScorerOptions.Baseline, settings.Partitions, measureState: true, cancellationToken);

        Step("replay: the shipped model");
        var scored = await ReplayMeasurement.RunAsync(log, ScorerOptions.Model, settings.Partitions, measureState: false, cancellationToken);
        var modelRows = scored.GetProperty("model_rows").GetInt64();
        var modelCalls = Math.Max(1, scored.GetProperty("model_calls").GetInt64());
        var batchRows = (int)Math.Clamp(modelRows / modelCalls, 1, 1 << 20);

        Step($"onnx: raw ONNX Runtime on batches of {batchRows:N0} rows, one thread");
        var raw = OnnxRawMeasurement.RowsPerSecond(ScorerOptions.DefaultModelPath, batchRows, TimeSpan.FromSeconds(3));
        var scoredSeconds = scored.GetProperty("elapsed_ms").GetInt64() / 1000.0;
        var scorerSeconds = Math.Max(1e-3, scored.GetProperty("scoring_ms").GetInt64() / 1000.0);

        (double Pipeline, double Raw, long Events)? kafka = null;
        (double P50, double P99, double Max, double StopP99, long Deltas, double HopP50, double HopP99)? live = null;
        if (settings.Kafka)
        {
            Step($"kafka: {settings.KafkaEvents:N0} events through the embedded broker, {settings.Partitions} partitions, and plain produce→consume of the same");
            kafka = await KafkaMeasurement.RunAsync(log, settings.KafkaEvents, settings.Partitions, settings.Pipeline, cancellationToken);
            var rate = kafka.Value.Pipeline / 2;
            Step($"freshness: a live run through the embedded broker at {rate:N0} events/s (half the measured rate) for {settings.LiveDuration.TotalSeconds:0} s");
            live = await FreshnessMeasurement.RunAsync(log, rate, settings.LiveDuration, settings.Partitions, settings.Pipeline, cancellationToken);
        }

        var users = baseline.GetProperty("users").GetInt64();
        return new BenchReport
        {
            World = Path.GetFileName(log),
            Events = events,
            Users = users,
            Partitions = settings.Partitions,
            SimulateEventsPerSec = simulateRate,
            PeakLiveRooms = peakLive,
            DecodeEventsPerSec = decodeRate,
            ReplayEventsPerSec = baseline.GetProperty("events_per_sec").GetInt64(),
            ReplayDecodeRatio = baseline.GetProperty("events_per_sec").GetInt64() / decodeRate,
            ReplayScoredEventsPerSec = scored.GetProperty("events_per_sec").GetInt64(),
            OnnxRawRowsPerSec = raw,
            OnnxBatchRows = batchRows,
            ScoringRatio = modelRows / scoredSeconds / raw,
            ScoringRatioInScorer = modelRows / scorerSeconds / raw,
            KafkaEvents = kafka?.Events,
            KafkaEventsPerSec = kafka?.Pipeline,
            KafkaRawEventsPerSec = kafka?.Raw,
            KafkaRatio = kafka is { } k ? k.Pipeline / k.Raw : null,
            LiveEventsPerSec = kafka?.Pipeline / 2,
            FreshnessP50Ms = Finite(live?.P50),
            FreshnessP99Ms = Finite(live?.P99),
            FreshnessMaxMs = Finite(live?.Max),
            StopToDeltaP99Ms = Finite(live?.StopP99),
            HopP50Ms = Finite(live?.HopP50),
            HopP99Ms = Finite(live?.HopP99),
            StateBytesPerUser = (double)baseline.GetProperty("state_bytes").GetInt64() / Math.Max(1, users),
            StoreBytesPerUser = (double)baseline.GetProperty("store_bytes").GetInt64() / Math.Max(1, users),
            PeakRssBytes = baseline.GetProperty("peak_rss_bytes").GetInt64(),
            PeakRssScoredBytes = scored.GetProperty("peak_rss_bytes").GetInt64(),
            DeltasPerEvent = baseline.GetProperty("deltas_per_event").GetDouble(),
            ReranksPerEvent = baseline.GetProperty("reranks_per_event").GetDouble(),
            RowsPerEvent = baseline.GetProperty("rows_per_event").GetDouble(),
            AllocatedBytesPerEvent = baseline.GetProperty("allocated_bytes_per_event").GetDouble(),
            ElapsedMs = (long)stopwatch.Elapsed.TotalMilliseconds,
        };
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    private static void Step(string what) => System.Console.Error.WriteLine($"bench: {what}");

    private static void Print(BenchReport report, bool json)
    {
        var text = JsonSerializer.Serialize(report, CliJson.Default.BenchReport);
        if (json)
        {
            System.Console.WriteLine(text);
            return;
        }

        static string F(double? value) => value is { } v ? v.ToString("N0", CultureInfo.InvariantCulture) : "not measured";
        static string R(double? value) => value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";
        var lines = new[]
        {
            ("decode events/s (the limit of replay)", F(report.DecodeEventsPerSec), string.Empty),
            ("replay events/s, baseline scorer", F(report.ReplayEventsPerSec), $"x decode {R(report.ReplayDecodeRatio)}"),
            ("replay events/s, model", F(report.ReplayScoredEventsPerSec), string.Empty),
            ($"ONNX Runtime alone, rows/s (batch {report.OnnxBatchRows:N0})", F(report.OnnxRawRowsPerSec), string.Empty),
            ("pipeline model rows/s over raw (wall / in scorer)", $"{R(report.ScoringRatio)} / {R(report.ScoringRatioInScorer)}", string.Empty),
            ("kafka pipeline events/s", F(report.KafkaEventsPerSec), $"x raw {R(report.KafkaRatio)}"),
            ("kafka raw produce→consume events/s", F(report.KafkaRawEventsPerSec), string.Empty),
            ("freshness p50 / p99 / max ms", $"{F(report.FreshnessP50Ms)} / {F(report.FreshnessP99Ms)} / {F(report.FreshnessMaxMs)}", $"at {F(report.LiveEventsPerSec)} events/s"),
            ("room_stop → last holder's delta p99 ms", F(report.StopToDeltaP99Ms), string.Empty),
            ("one broker hop (send → read) p50 / p99 ms", $"{F(report.HopP50Ms)} / {F(report.HopP99Ms)}", "a delta's freshness holds two"),
            ("state bytes per user (store only)", $"{F(report.StateBytesPerUser)} ({F(report.StoreBytesPerUser)})", $"{report.Users:N0} users"),
            ("peak RSS, baseline / model replay", $"{report.PeakRssBytes / 1e6:N0} MB / {report.PeakRssScoredBytes / 1e6:N0} MB", string.Empty),
            ("deltas / re-ranks / rows per event", $"{R(report.DeltasPerEvent)} / {R(report.ReranksPerEvent)} / {report.RowsPerEvent:0.0}", string.Empty),
        };
        foreach (var (name, value, ratio) in lines)
        {
            System.Console.WriteLine($"{name,-52} {value,-28} {ratio}");
        }

        System.Console.WriteLine(text);
    }
}

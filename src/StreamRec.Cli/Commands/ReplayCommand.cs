using System.CommandLine;
using System.Text.Json;
using StreamRec.Cli.Console;
using StreamRec.Model.Manifest;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Replay;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec replay</c>: runs the whole pipeline over a log as fast as possible.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Event log (JSON lines, optionally .gz).", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Where to write the deltas (JSON lines).", Required = true };
        var deadLetters = new Option<FileInfo?>("--dlq") { Description = "Where to write dead letters (JSON lines)." };
        var topK = new Option<int?>("--top-k") { Description = "Rooms per user list (default 10)." };
        var config = new Option<FileInfo?>("--config")
        {
            Description = "Settings file read as `run` reads appsettings.json (its Pipeline section); STREAMREC_Pipeline__* environment variables override it.",
        };
        var partitions = new Option<int?>("--partitions")
        {
            Description = $"User state partitions, each on its own thread; the output is byte-identical for a given P (default {new PipelineOptions().Partitions}).",
        };
        var measureState = new Option<bool>("--measure-state") { Description = "Report the state's heap size at the end (state_bytes, store_bytes)." };
        var scorer = new ScorerOptions();
        var command = new Command("replay", "Replay an event log through the pipeline and write recommendation deltas.")
        {
            input, output, deadLetters, topK, partitions, config, measureState,
        };
        scorer.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var replay = new ReplayOptions(result.GetRequiredValue(input).FullName, result.GetRequiredValue(output).FullName, result.GetValue(deadLetters)?.FullName, result.GetValue(measureState));
            PipelineOptions options;
            try
            {
                options = PipelineSettings.Read(result.GetValue(config));
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or InvalidOperationException or FormatException)
            {
                await System.Console.Error.WriteLineAsync($"replay: {ex.Message}");
                return 2;
            }

            options = options with
            {
                TopK = result.GetValue(topK) ?? options.TopK,
                Partitions = result.GetValue(partitions) ?? options.Partitions,
            };
            return await RunAsync(replay, options, loggers => scorer.Create(result, loggers), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ReplayOptions replay, PipelineOptions options, Func<Microsoft.Extensions.Logging.ILoggerFactory, IScorer> createScorer, CancellationToken cancellationToken)
    {
        using var loggers = StderrLogging.Create();
        IScorer scorer;
        try
        {
            replay.Validate();
            options.Validate();
            scorer = createScorer(loggers);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or ModelManifestMismatchException)
        {
            await System.Console.Error.WriteLineAsync($"replay: {ex.Message}");
            return 2;
        }

        using var ownedScorer = scorer as IDisposable;
        var job = new ReplayJob(replay, options, scorer, TimeProvider.System);
        ReplaySummary summary;
        try
        {
            summary = await ProgressReporter.RunAsync(
                "replay",
                () =>
                {
                    var p = job.Progress;
                    return (p.BytesTotal == 0 ? 0 : (double)p.BytesRead / p.BytesTotal, $"{p.Records:N0} events, {p.Deltas:N0} deltas, {p.DeadLetters:N0} dead letters");
                },
                job.RunAsync(cancellationToken).AsTask());
        }
        catch (Exception ex) when (ReadFailure(ex) is { } failure)
        {
            // Bad records are dead letters; a file that cannot be read at all (a corrupt .gz) or written is not.
            // The messages name their file (the reader's and the writers' own errors do).
            await System.Console.Error.WriteLineAsync($"replay: {failure.Message}");
            return 1;
        }

        System.Console.WriteLine(JsonSerializer.Serialize(summary, CliJson.Default.ReplaySummary));
        return 0;
    }

    private static Exception? ReadFailure(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                return ex;
            }
        }

        return null;
    }
}

using StreamRec.State;
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
        var stateDir = new Option<DirectoryInfo?>("--state-dir")
        {
            Description = "Keep the state in this directory (RocksDB) and checkpoint it: a replay killed part way, run again with the same arguments, resumes and writes exactly the output of an uninterrupted run (outputs must be uncompressed).",
        };
        var explain = new Option<bool>("--explain")
        {
            Description = "Add each delta entry's top contributing features (why), as Pipeline:Explain does for run.",
        };
        var measureState = new Option<bool>("--measure-state") { Description = "Report the state's heap size at the end (state_bytes, store_bytes)." };
        var scorer = new ScorerOptions();
        var command = new Command("replay", "Replay an event log through the pipeline and write recommendation deltas.")
        {
            input, output, deadLetters, topK, partitions, config, stateDir, measureState, explain,
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
                Explain = result.GetValue(explain) || options.Explain,
            };
            return await RunAsync(replay, options, result.GetValue(stateDir)?.FullName, loggers => scorer.Create(result, loggers), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        ReplayOptions replay, PipelineOptions options, string? stateDir, Func<Microsoft.Extensions.Logging.ILoggerFactory, IScorer> createScorer, CancellationToken cancellationToken)
    {
        using var loggers = StderrLogging.Create();
        IScorer scorer;
        RocksDbPartition? state = null;
        try
        {
            replay.Validate();
            options.Validate();
            if (stateDir is not null && new[] { replay.Output, replay.DeadLetters }.Any(static f => f?.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) == true))
            {
                throw new ArgumentException("--state-dir needs uncompressed --out and --dlq files: a resumed replay cuts them back to the last checkpoint.");
            }

            scorer = createScorer(loggers);

            // One database holds every partition of the replay, so a checkpoint is one atomic write.
            state = stateDir is null ? null : RocksDbPartition.Open(new RocksDbStoreOptions { Directory = stateDir }, 0);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or ModelManifestMismatchException or RocksDbSharp.RocksDbException)
        {
            await System.Console.Error.WriteLineAsync($"replay: {ex.Message}");
            return 2;
        }

        using var ownedState = state;
        using var ownedScorer = scorer as IDisposable;
        var job = new ReplayJob(replay, options, scorer, TimeProvider.System, state);
        if (stateDir is not null)
        {
            _ = job.Opened.ContinueWith(
                static (opened, dir) => System.Console.Error.WriteLine(opened.Result switch
                {
                    { IsComplete: true } c => $"replay: the state in {dir} is of a finished replay (restored in {c.RestoreTime.TotalSeconds:F1} s); nothing to do",
                    { IsRestored: true } c => $"replay: resuming from the checkpoint in {dir} (restored in {c.RestoreTime.TotalSeconds:F1} s): after line {c.Positions[0].Position:N0}, {c.DurableDeltas + c.OutboxDeltas.Count:N0} deltas written",
                    _ => $"replay: no checkpoint in {dir}; starting from the beginning",
                }),
                stateDir,
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnRanToCompletion,
                TaskScheduler.Default);
        }
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

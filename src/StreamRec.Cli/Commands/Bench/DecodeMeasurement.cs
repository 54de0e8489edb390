using System.Diagnostics;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>Reading, decoding and validating the log on one thread, nothing else: the ceiling of a replay.</summary>
internal static class DecodeMeasurement
{
    public static (long Events, double EventsPerSec) Run(string path, PipelineOptions options, CancellationToken cancellationToken)
    {
        var validator = new RecordValidator(options, new IdTables());
        using var reader = new JsonLinesReader(path, options.MaxEventBytes);
        var stopwatch = Stopwatch.StartNew();
        long valid = 0;
        while (reader.ReadBatch(options.BatchSize) is { } raw)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var maxTs = validator.MaxTs(TimeProvider.System);
            for (var i = 0; i < raw.Count; i++)
            {
                valid += validator.TryAccept(raw, i, maxTs, out _, out _) ? 1 : 0;
            }
        }

        return (valid, valid / stopwatch.Elapsed.TotalSeconds);
    }
}

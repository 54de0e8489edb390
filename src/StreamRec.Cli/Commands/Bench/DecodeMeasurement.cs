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
        var accepted = new List<EventRecord>(options.BatchSize);
        var rejected = new List<RejectedRecord>();
        while (reader.ReadBatch(options.BatchSize) is { } raw)
        {
            cancellationToken.ThrowIfCancellationRequested();
            validator.Validate(raw, validator.MaxTs(TimeProvider.System), accepted, rejected);
            valid += accepted.Count;
            accepted.Clear();
            rejected.Clear();
        }

        return (valid, valid / stopwatch.Elapsed.TotalSeconds);
    }
}

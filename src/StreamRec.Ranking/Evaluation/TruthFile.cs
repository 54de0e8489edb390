using System.IO.Compression;
using System.Text.Json;

namespace StreamRec.Ranking.Evaluation;

/// <summary>Reads the truth file <c>simulate --truth</c> writes (JSON lines, gzip when the name ends in .gz), by event id.</summary>
public static class TruthFile
{
    /// <exception cref="InvalidDataException">A line is not a truth record.</exception>
    public static IReadOnlyDictionary<string, TruthRecord> Load(string path, CancellationToken cancellationToken)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var reader = new StreamReader(stream);
        var records = new Dictionary<string, TruthRecord>(StringComparer.Ordinal);
        var number = 0L;
        while (reader.ReadLine() is { } line)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (line.Length > 0)
            {
                var (id, record) = Parse(line, number, path);
                records[id] = record;
            }
        }

        return records;
    }

    /// <summary>One line: its event id and record.</summary>
    public static (string EventId, TruthRecord Record) Parse(string line, long number, string source)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            var id = root.GetProperty("event_id").GetString() ?? throw new InvalidDataException($"{source}:{number}: null event_id.");
            var rank = root.GetProperty("rank").GetInt32();
            if (rank < 1)
            {
                throw new InvalidDataException($"{source}:{number}: rank {rank} is below 1.");
            }

            return (id, new TruthRecord(rank, root.GetProperty("drifted").GetBoolean(), root.GetProperty("notified").GetBoolean()));
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{source}:{number}: not a truth record ({ex.Message}).", ex);
        }
    }
}

using System.Text.Json;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Ranking.Offline;
using StreamRec.Simulation;

namespace StreamRec.Benchmarks;

/// <summary>Realistic feature rows: the candidates of replayed visits of a small simulated log.</summary>
internal static class FeatureRows
{
    public static float[] Collect(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"streamrec-bench-{Guid.NewGuid():N}.jsonl");
        try
        {
            using (var file = File.Create(path))
            using (var writer = new Utf8JsonWriter(file))
            {
                var options = new SimulationOptions { Users = 400, Rooms = 60, Duration = TimeSpan.FromHours(1), Seed = 3 };
                foreach (var e in new LiveCommerceSimulator(options).Generate())
                {
                    JsonSerializer.Serialize(writer, e, ContractJson.Default.LiveEvent);
                    writer.Flush();
                    file.WriteByte((byte)'\n');
                    writer.Reset();
                }
            }

            var collector = new Collector(rows);
            new InteractionReplayer(new PipelineOptions(), TimeProvider.System).Replay(path, long.MinValue, collector, CancellationToken.None);
            return collector.Rows.Count >= rows * FeatureExtractor.Count
                ? [.. collector.Rows.Take(rows * FeatureExtractor.Count)]
                : throw new InvalidOperationException("The simulated log gave too few candidate rows.");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private sealed class Collector(int rows) : IInteractionObserver
    {
        public List<float> Rows { get; } = [];

        public void OnCase(InteractionCase interaction)
        {
            if (Rows.Count < rows * FeatureExtractor.Count)
            {
                Rows.AddRange(interaction.Features);
            }
        }

        public void OnVisitEngagement(int caseId, EventKind kind)
        {
        }
    }
}

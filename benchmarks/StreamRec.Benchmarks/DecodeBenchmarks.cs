using BenchmarkDotNet.Attributes;
using StreamRec.Contracts.Serialization;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.Ids;
using StreamRec.Pipeline.Input;
using StreamRec.Pipeline.Options;
using StreamRec.Simulation;

namespace StreamRec.Benchmarks;

/// <summary>Decode and validate one reader batch of simulated events: the per-event floor of every replay.</summary>
public class DecodeBenchmarks
{
    private RawRecordBatch _batch = null!;
    private RecordValidator _validator = null!;
    private readonly List<EventRecord> _accepted = [];
    private readonly List<RejectedRecord> _rejected = [];

    [GlobalSetup]
    public void Setup()
    {
        var events = new LiveCommerceSimulator(new SimulationOptions { Users = 2000, Rooms = 120, Duration = TimeSpan.FromHours(1), Seed = 21 }).Events().Take(4096).ToArray();
        _batch = new RawRecordBatch(events.Length);
        var line = 0;
        foreach (var e in events)
        {
            var bytes = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(e, ContractJson.Default.LiveEvent);
            _batch.Add(bytes, bytes.Length, RecordOrigin.FileLine("bench.jsonl", ++line));
        }

        _validator = new RecordValidator(new PipelineOptions(), new IdTables());
        _accepted.EnsureCapacity(events.Length);
    }

    [Benchmark(OperationsPerInvoke = 4096)]
    public int DecodeBatch()
    {
        _accepted.Clear();
        _rejected.Clear();
        _validator.Validate(_batch, long.MaxValue, _accepted, _rejected);
        return _accepted.Count;
    }
}

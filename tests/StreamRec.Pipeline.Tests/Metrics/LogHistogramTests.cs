using StreamRec.Pipeline.Metrics;

namespace StreamRec.Pipeline.Tests.Metrics;

public sealed class LogHistogramTests
{
    [Fact]
    public void Quantiles_OfSkewedSamples_AreWithinTheBucketPrecisionOfExactOnes()
    {
        var random = new Random(3);
        var values = Enumerable.Range(0, 20_000).Select(_ => Math.Exp((random.NextDouble() * 12) - 9)).ToArray(); // ~0.1 ms .. 20 s
        var histogram = new LogHistogram();
        foreach (var v in values)
        {
            histogram.Record(v);
        }

        var reading = histogram.Read();
        Array.Sort(values);
        foreach (var q in new[] { 0.5, 0.95, 0.99 })
        {
            var exact = values[(int)Math.Ceiling(q * values.Length) - 1];
            Assert.InRange(reading.Quantile(q), exact * (1 - (1.0 / 32)), exact * (1 + (1.0 / 32)));
        }

        Assert.Equal(values[^1], reading.Max);
        Assert.Equal(values.Length, reading.Count);
    }

    [Fact]
    public void Since_AnEarlierReading_HoldsOnlyWhatCameAfter()
    {
        var histogram = new LogHistogram();
        histogram.Record(0.010, 100);
        var earlier = histogram.Read();
        histogram.Record(2.0, 3);

        var window = histogram.Read().Since(earlier);

        Assert.Equal(3, window.Count);
        Assert.InRange(window.Quantile(0.5), 1.95, 2.05);
        Assert.InRange(window.Max, 2.0, 2.07);
        Assert.True(double.IsNaN(HistogramReading.Empty.Quantile(0.5)));
    }

    [Fact]
    public void Collector_OverInstrumentation_ReadsCountersGaugesAndHistogramsOfItsOwnMeterOnly()
    {
        var metrics = new PipelineMetrics();
        var sources = new InstrumentationSources { ModelVersion = static () => "v1" };
        using var instrumentation = new StreamRecInstrumentation(metrics, sources);
        using var other = new StreamRecInstrumentation(new PipelineMetrics(), new InstrumentationSources());
        using var collector = new MetricsCollector(instrumentation);
        metrics.AddRecords(10, 9);
        metrics.AddDeadLetter("malformed_json");
        sources.LiveRooms = 7;
        instrumentation.RecordEvents([5, 0, 4]);
        instrumentation.RecordFreshness(TimeSpan.FromMilliseconds(20), deltas: 6);
        other.RecordFreshness(TimeSpan.FromSeconds(9), deltas: 1);
        metrics.AddStepTime(PipelineStep.Decode, System.Diagnostics.Stopwatch.Frequency / 1000);

        var reading = collector.Collect();

        Assert.Equal(10, reading.Counter(InstrumentNames.RecordsReceived));
        Assert.Equal(1, reading.Counter(InstrumentNames.DeadLetters, "malformed_json"));
        Assert.Equal(5, reading.Counter(InstrumentNames.EventsReceived, "click"));
        Assert.Equal(4, reading.Counter(InstrumentNames.EventsReceived, "purchase"));
        Assert.Equal(7, reading.Gauge(InstrumentNames.RoomsLive));
        Assert.Equal(["v1"], reading.GaugesOf(InstrumentNames.ModelInfo).Keys);
        var freshness = reading.HistogramsOf(InstrumentNames.DeltaFreshness)[string.Empty];
        Assert.Equal(6, freshness.Count);
        Assert.InRange(freshness.Quantile(0.99), 0.0195, 0.0205);
        Assert.Equal(1, reading.HistogramsOf(InstrumentNames.StepDuration)[PipelineStep.Decode].Count);
    }
}

namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// Every instrument's value at one moment, keyed by instrument name and tag values (joined by commas in the
/// order the instrument gives them; "" when untagged).
/// </summary>
public sealed record MetricsReading(
    IReadOnlyDictionary<(string Name, string Tags), long> Counters,
    IReadOnlyDictionary<(string Name, string Tags), double> Gauges,
    IReadOnlyDictionary<(string Name, string Tags), HistogramReading> Histograms)
{
    /// <summary>Counter values of one instrument by tag key.</summary>
    public IReadOnlyDictionary<string, long> CountersOf(string name) =>
        Counters.Where(entry => entry.Key.Name == name).ToDictionary(entry => entry.Key.Tags, entry => entry.Value, StringComparer.Ordinal);

    public long Counter(string name, string tags = "") => Counters.GetValueOrDefault((name, tags));

    public double? Gauge(string name, string tags = "") => Gauges.TryGetValue((name, tags), out var value) ? value : null;

    public IReadOnlyDictionary<string, double> GaugesOf(string name) =>
        Gauges.Where(entry => entry.Key.Name == name).ToDictionary(entry => entry.Key.Tags, entry => entry.Value, StringComparer.Ordinal);

    public IReadOnlyDictionary<string, HistogramReading> HistogramsOf(string name) =>
        Histograms.Where(entry => entry.Key.Name == name).ToDictionary(entry => entry.Key.Tags, entry => entry.Value, StringComparer.Ordinal);
}

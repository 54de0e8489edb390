using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace StreamRec.Pipeline.Metrics;

/// <summary>
/// Listens to one <see cref="StreamRecInstrumentation"/>'s meter and keeps what the JSON snapshot and the dashboard
/// show: counter totals and gauge values per tag set, and each histogram (per tag set) as a <see cref="LogHistogram"/>.
/// It reads the same instruments the Prometheus exporter reads; only this meter instance is listened to, so two
/// pipelines in one process (tests) never mix.
/// </summary>
public sealed class MetricsCollector : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly Meter _meter;
    private readonly ConcurrentDictionary<(string Name, string Tags), long> _counters = new();
    private readonly ConcurrentDictionary<(string Name, string Tags), double> _gauges = new();
    private readonly ConcurrentDictionary<(string Name, string Tags), LogHistogram> _histograms = new();
    private readonly Lock _observing = new();

    public MetricsCollector(StreamRecInstrumentation instrumentation)
    {
        ArgumentNullException.ThrowIfNull(instrumentation);
        _meter = instrumentation.Meter;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, _meter))
            {
                listener.EnableMeasurementEvents(instrument, instrument is ObservableCounter<long> or Counter<long>);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnLong);
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, state) => _gauges[(instrument.Name, TagKey(tags))] = value);
        _listener.SetMeasurementEventCallback<double>(OnDouble);
        _listener.Start();
    }

    /// <summary>Reads the observable instruments now and returns every value.</summary>
    public MetricsReading Collect()
    {
        lock (_observing)
        {
            // Gauges whose tag sets vanished (a revoked partition) must not linger.
            _gauges.Clear();
            _listener.RecordObservableInstruments();
            return new MetricsReading(
                _counters.ToDictionary(),
                _gauges.ToDictionary(),
                _histograms.ToDictionary(entry => entry.Key, entry => entry.Value.Read()));
        }
    }

    public void Dispose() => _listener.Dispose();

    private void OnLong(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? cumulative)
    {
        var key = (instrument.Name, TagKey(tags));
        if (instrument.IsObservable)
        {
            if (cumulative is true)
            {
                _counters[key] = value;
            }
            else
            {
                _gauges[key] = value;
            }
        }
        else
        {
            _counters.AddOrUpdate(key, value, (_, total) => total + value);
        }
    }

    private void OnDouble(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        var key = (instrument.Name, TagKey(tags));
        if (instrument is Histogram<double>)
        {
            _histograms.GetOrAdd(key, static _ => new LogHistogram()).Record(value);
        }
        else
        {
            _gauges[key] = value;
        }
    }

    /// <summary>Tag values joined in their order ("" for none): "click", "live.clicks,0", "model,10,all".</summary>
    private static string TagKey(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        if (tags.Length == 1 && tags[0].Value is string single)
        {
            return single; // the per-batch histograms' and counters' only tag: no allocation
        }

        var parts = new string[tags.Length];
        for (var i = 0; i < tags.Length; i++)
        {
            parts[i] = Convert.ToString(tags[i].Value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
        }

        return string.Join(',', parts);
    }
}

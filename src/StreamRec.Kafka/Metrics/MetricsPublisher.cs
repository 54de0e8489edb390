using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Hosting;

namespace StreamRec.Kafka.Metrics;

/// <summary>
/// Publishes a <see cref="MetricsSnapshot"/> (counters, lag, histogram percentiles over the interval, online
/// evaluation) keyed by instance id every interval, on a timer of the
/// injected <see cref="TimeProvider"/> (so tests advance it by hand). A failed delivery is logged, not
/// fatal: metrics must not stop recommendations.
/// </summary>
public sealed class MetricsPublisher : IDisposable
{
    private readonly IProducer<byte[]?, byte[]?> _producer;
    private readonly string _topic;
    private readonly string _instanceId;
    private readonly MetricsSnapshots _snapshots;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ITimer _timer;
    private long _published;

    public MetricsPublisher(
        IProducer<byte[]?, byte[]?> producer, string topic, string instanceId, PipelineObservability observability,
        TimeSpan interval, TimeProvider time, ILogger logger)
    {
        _producer = producer;
        _topic = topic;
        _instanceId = instanceId;
        _snapshots = new MetricsSnapshots(instanceId, observability);
        _time = time;
        _logger = logger;
        _timer = time.CreateTimer(static state => ((MetricsPublisher)state!).Publish(), this, interval, interval);
    }

    /// <summary>Snapshots handed to the producer so far.</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Publishes a snapshot now (also used for the last one at shutdown).</summary>
    public void Publish()
    {
        var snapshot = _snapshots.Next(_time.GetUtcNow());
        var message = new Message<byte[]?, byte[]?>
        {
            Key = Encoding.UTF8.GetBytes(_instanceId),
            Value = JsonSerializer.SerializeToUtf8Bytes(snapshot, KafkaJson.Default.MetricsSnapshot),
        };
        try
        {
            _producer.Produce(_topic, message, report =>
            {
                if (report.Error.IsError)
                {
                    Log.MetricsNotDelivered(_logger, _topic, report.Error.Reason);
                }
            });
            Interlocked.Increment(ref _published);
        }
        catch (KafkaException ex)
        {
            Log.MetricsNotDelivered(_logger, _topic, ex.Error.Reason);
        }
    }

    public void Dispose() => _timer.Dispose();
}

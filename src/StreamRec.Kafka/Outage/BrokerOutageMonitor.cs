namespace StreamRec.Kafka.Outage;

/// <summary>
/// Decides when the brokers have been unreachable for too long. librdkafka retries a lost broker forever and
/// holds undelivered messages for <c>message.timeout.ms</c> (5 min), so without a bound the service either
/// never exits or exits minutes late. Every client reports here: "all brokers down" starts an outage, any
/// sign of a broker answering (a fetch, a commit, a delivery, a metadata probe) ends it, and an outage that
/// lasts longer than the tolerance faults <see cref="Exceeded"/>, which fails the pipeline.
/// </summary>
/// <remarks>Thread-safe: librdkafka's callbacks, the polling threads and the stream report concurrently.</remarks>
internal sealed class BrokerOutageMonitor : IDisposable
{
    private readonly TimeSpan _tolerance;
    private readonly string _bootstrapServers;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly TaskCompletionSource _exceeded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstOutage = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private DateTimeOffset? _downSince;
    private string _lastError = string.Empty;
    private volatile bool _down;

    public BrokerOutageMonitor(TimeSpan tolerance, string bootstrapServers, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(tolerance, TimeSpan.Zero);
        _tolerance = tolerance;
        _bootstrapServers = bootstrapServers;
        _time = time;
    }

    /// <summary>Faults with a <see cref="BrokerOutageException"/> once an outage outlasted the tolerance; never completes otherwise.</summary>
    public Task Exceeded => _exceeded.Task;

    /// <summary>Completes when the first outage begins (a signal for tests and tools, never faults).</summary>
    public Task FirstOutage => _firstOutage.Task;

    /// <summary>True between "all brokers down" and the next sign of a broker answering.</summary>
    public bool IsDown => _down;

    /// <summary>When the current outage began, or null.</summary>
    public DateTimeOffset? DownSince
    {
        get
        {
            lock (_lock)
            {
                return _downSince;
            }
        }
    }

    /// <summary>A client lost every broker; starts the outage clock unless it already runs.</summary>
    public void ReportDown(string client, string error)
    {
        lock (_lock)
        {
            _lastError = $"{client}: {error}";
            if (_downSince is not null || _exceeded.Task.IsCompleted)
            {
                return;
            }

            _downSince = _time.GetUtcNow();
            _down = true;
            _timer = _time.CreateTimer(static state => ((BrokerOutageMonitor)state!).Expire(), this, _tolerance, Timeout.InfiniteTimeSpan);
        }

        _firstOutage.TrySetResult();
    }

    /// <summary>A broker answered; ends the outage, if any. Cheap when there is none, so it can be called per poll.</summary>
    public void ReportUp()
    {
        if (!_down)
        {
            return;
        }

        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
            _downSince = null;
            _down = false;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _timer?.Dispose();
            _timer = null;
        }
    }

    private void Expire()
    {
        lock (_lock)
        {
            if (_downSince is not { } since)
            {
                return;
            }

            _exceeded.TrySetException(new BrokerOutageException(_bootstrapServers, _time.GetUtcNow() - since, _tolerance, _lastError));
        }
    }
}

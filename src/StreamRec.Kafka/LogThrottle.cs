namespace StreamRec.Kafka;

/// <summary>
/// Lets the first of a kind of repeated log line through, then at most one per interval with the count of
/// those held back. librdkafka reports a lost broker on every reconnect attempt, from every client; an
/// outage of minutes must not become tens of thousands of lines.
/// </summary>
/// <remarks>Thread-safe: librdkafka calls back from its own threads.</remarks>
internal sealed class LogThrottle(TimeSpan interval, TimeProvider time)
{
    private readonly Dictionary<string, (long Next, long Suppressed)> _kinds = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public TimeSpan Interval => interval;

    /// <summary>Whether to log a line of <paramref name="kind"/> now; <paramref name="suppressed"/> counts those held back since the last one.</summary>
    public bool ShouldLog(string kind, out long suppressed)
    {
        var now = time.GetTimestamp();
        lock (_lock)
        {
            if (_kinds.TryGetValue(kind, out var state) && now < state.Next)
            {
                _kinds[kind] = (state.Next, state.Suppressed + 1);
                suppressed = 0;
                return false;
            }

            suppressed = state.Suppressed;
            _kinds[kind] = (now + (long)(interval.TotalSeconds * time.TimestampFrequency), 0);
            return true;
        }
    }
}

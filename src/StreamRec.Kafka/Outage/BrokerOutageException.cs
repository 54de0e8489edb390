using System.Globalization;

namespace StreamRec.Kafka.Outage;

/// <summary>
/// The brokers stayed unreachable for longer than <c>Kafka:BrokerOutageTolerance</c>. The pipeline stops so
/// that a supervisor restarts it; offsets of unfinished batches were not committed, so nothing is skipped.
/// </summary>
public sealed class BrokerOutageException : Exception
{
    public BrokerOutageException()
    {
    }

    public BrokerOutageException(string message)
        : base(message)
    {
    }

    public BrokerOutageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal BrokerOutageException(string bootstrapServers, TimeSpan unreachable, TimeSpan tolerance, string lastError)
        : base(string.Create(
            CultureInfo.InvariantCulture,
            $"Kafka brokers {bootstrapServers} unreachable for {unreachable.TotalSeconds:F0} s, longer than Kafka:BrokerOutageTolerance ({tolerance}); last error: {lastError}. Stopping so a supervisor can restart the service; uncommitted input is read again."))
    {
        Unreachable = unreachable;
    }

    /// <summary>How long the brokers had been unreachable when the pipeline gave up.</summary>
    public TimeSpan Unreachable { get; }
}

using System.Collections.Immutable;
using System.Text.RegularExpressions;

namespace StreamRec.Kafka.Embedded;

/// <summary>
/// How to start an <see cref="EmbeddedKafkaBroker"/>. Immutable; checked by
/// <see cref="EmbeddedKafkaBroker.Start(EmbeddedKafkaBrokerOptions)"/> before anything is started.
/// </summary>
public sealed partial record EmbeddedKafkaBrokerOptions
{
    /// <summary>The highest broker count accepted; the mock runs every broker on one thread, so more buys nothing.</summary>
    public const int MaxBrokerCount = 16;

    /// <summary>Number of brokers in the cluster, ids 1 to <see cref="BrokerCount"/>. Default 1.</summary>
    public int BrokerCount { get; init; } = 1;

    /// <summary>
    /// A fixed loopback port for broker 1 (broker <c>n</c> gets <c>Port + n - 1</c>), or <see langword="null"/>
    /// (the default) for ephemeral ports chosen by the mock. A fixed port is served by an in-process TCP relay.
    /// </summary>
    public int? Port { get; init; }

    /// <summary>
    /// Partitions of a topic created through <see cref="EmbeddedKafkaBroker.CreateTopic(string)"/>. Default 4.
    /// Topics that a client auto-creates always get librdkafka's built-in default of 4, whatever this says.
    /// </summary>
    public int DefaultPartitions { get; init; } = 4;

    /// <summary>Topics to create at start, by name, with their partition counts. Default none.</summary>
    public IReadOnlyDictionary<string, int> Topics { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>
    /// How long the group coordinator waits for more members before the first rebalance of a new
    /// consumer group. Default zero, so tests get their assignment at once; real Kafka uses 3 s.
    /// </summary>
    public TimeSpan InitialRebalanceDelay { get; init; } = TimeSpan.Zero;

    /// <summary>Lists every problem with these options; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (BrokerCount is < 1 or > MaxBrokerCount)
        {
            errors.Add($"{nameof(BrokerCount)} must be between 1 and {MaxBrokerCount}, was {BrokerCount}.");
        }

        if (Port is { } port && (port < 1 || port + Math.Max(BrokerCount, 1) - 1 > ushort.MaxValue))
        {
            errors.Add($"{nameof(Port)} must leave room for {BrokerCount} consecutive port(s) within 1-65535, was {port}.");
        }

        if (DefaultPartitions < 1)
        {
            errors.Add($"{nameof(DefaultPartitions)} must be at least 1, was {DefaultPartitions}.");
        }

        if (ValidateDelay(InitialRebalanceDelay) is { } delayError)
        {
            errors.Add($"{nameof(InitialRebalanceDelay)} {delayError}");
        }

        if (Topics is null)
        {
            errors.Add($"{nameof(Topics)} must not be null.");
            return errors;
        }

        foreach (var (name, partitions) in Topics)
        {
            if (ValidateTopicName(name) is { } nameError)
            {
                errors.Add($"{nameof(Topics)}: {nameError}");
            }

            if (partitions < 1)
            {
                errors.Add($"{nameof(Topics)}: topic '{name}' needs at least 1 partition, was {partitions}.");
            }
        }

        return errors;
    }

    /// <summary>Kafka's own rule: 1 to 249 of ASCII letters, digits, '.', '_' and '-', and not "." or "..".</summary>
    internal static string? ValidateTopicName(string? name) =>
        name is null || !TopicNamePattern().IsMatch(name) || name is "." or ".."
            ? $"'{name}' is not a valid topic name (1-249 of [a-zA-Z0-9._-], not '.' or '..')."
            : null;

    internal static string? ValidateDelay(TimeSpan delay) =>
        delay < TimeSpan.Zero || delay.TotalMilliseconds > int.MaxValue
            ? $"must be between zero and {int.MaxValue} ms, was {delay}."
            : null;

    [GeneratedRegex("^[a-zA-Z0-9._-]{1,249}$", RegexOptions.CultureInvariant)]
    private static partial Regex TopicNamePattern();
}

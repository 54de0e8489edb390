using System.Diagnostics;
using System.Text.Json;
using Confluent.Kafka;
using StreamRec.Contracts.Events;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Simulation;

namespace StreamRec.Cli.Commands.Demo;

/// <summary>
/// Live traffic for the demo: the simulator's events in their order, sent at a steady rate, each stamped with the
/// wall time of sending as its event time (and Kafka timestamp), so event time follows wall time.
/// </summary>
internal static class LiveTraffic
{
    /// <summary>Sends until cancelled or the simulated world runs out; returns how many events were sent.</summary>
    public static async Task<long> RunAsync(
        IProducer<byte[]?, byte[]?> producer, KafkaTopics topics, SimulationOptions world, double eventsPerSec, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        long sent = 0;
        try
        {
            foreach (var e in new LiveCommerceSimulator(world).Events())
            {
                var due = TimeSpan.FromSeconds(sent / eventsPerSec);
                // Pacing a producer, not waiting for a condition: the rate is the point.
                await Pacing.UntilAsync(clock, due, cancellationToken).ConfigureAwait(false);

                var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                var value = JsonSerializer.SerializeToUtf8Bytes(e with { Ts = now }, ContractJson.Default.LiveEvent);
                var route = EventRoute.Of(value, topics);
                producer.Produce(route.Topic, new Message<byte[]?, byte[]?> { Key = route.Key, Value = value, Timestamp = new Timestamp(now, TimestampType.CreateTime) });
                sent++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The demo's end: what was sent is flushed below.
        }

        producer.Flush(TimeSpan.FromSeconds(10));
        return sent;
    }
}

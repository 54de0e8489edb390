using System.CommandLine;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec broker</c>: an in-process Kafka-protocol broker with StreamRec's topics, until Ctrl+C or SIGTERM.</summary>
internal static class BrokerCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on.", DefaultValueFactory = _ => 9092 };
        var partitions = new Option<int>("--partitions") { Description = "Partitions of each input, delta and DLQ topic.", DefaultValueFactory = _ => 4 };
        var command = new Command("broker", "Run an embedded Kafka broker (librdkafka's mock cluster) with the StreamRec topics created.") { port, partitions };
        command.SetAction(async (result, cancellationToken) =>
        {
            var topics = new KafkaTopics();
            Kafka.Embedded.EmbeddedKafkaBroker broker;
            try
            {
                broker = EmbeddedStreamRecBroker.Start(topics, result.GetValue(partitions), result.GetValue(port));
            }
            catch (Exception ex) when (ex is ArgumentException or System.Net.Sockets.SocketException or InvalidOperationException)
            {
                await System.Console.Error.WriteLineAsync($"broker: {ex.Message}");
                return 2;
            }

            await using (broker)
            {
                await System.Console.Error.WriteLineAsync(
                    $"broker: topics {string.Join(", ", topics.All)}; in memory only. Each partition keeps only its newest ~5 MB: a consumer further behind than that silently skips the older data (pace producers with produce --pace-lag). Ctrl+C stops.");

                // The address alone on stdout, so scripts can read it: BOOTSTRAP=$(streamrec broker ... | head -1).
                System.Console.WriteLine(broker.BootstrapServers);
                await System.Console.Out.FlushAsync(cancellationToken);
                try
                {
                    await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    await System.Console.Error.WriteLineAsync("broker: stopping");
                }
            }

            return 0;
        });
        return command;
    }
}

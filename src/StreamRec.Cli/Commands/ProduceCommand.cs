using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;

namespace StreamRec.Cli.Commands;

/// <summary><c>streamrec produce</c>: routes a JSON-lines event log onto the input topics, stamped with event time.</summary>
internal static class ProduceCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Event log (JSON lines, optionally .gz).", Required = true };
        var bootstrap = new Option<string>("--bootstrap-servers") { Description = "Kafka bootstrap servers, host:port[,...].", Required = true };
        var paceLag = new Option<long?>("--pace-lag")
        {
            Description = "Wait while the consumer group is more than N records behind on any user-topic partition (needs a running 'streamrec run').",
        };
        var group = new Option<string>("--group-id") { Description = "Consumer group whose lag --pace-lag watches.", DefaultValueFactory = _ => "streamrec" };
        var command = new Command("produce", "Produce an event log onto the StreamRec input topics: room events keyed by room_id, user events by user_id.")
        {
            input, bootstrap, paceLag, group,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var kafka = new KafkaOptions { BootstrapServers = result.GetRequiredValue(bootstrap), GroupId = result.GetRequiredValue(group) };
            var file = result.GetRequiredValue(input);
            try
            {
                kafka.Validate();
                if (!file.Exists)
                {
                    throw new FileNotFoundException($"Input log '{file.FullName}' does not exist.");
                }
            }
            catch (Exception ex) when (ex is ArgumentException or IOException)
            {
                await System.Console.Error.WriteLineAsync($"produce: {ex.Message}");
                return 2;
            }

            // Warnings and errors on stderr; stdout keeps only the summary line.
            using var loggers = LoggerFactory.Create(builder => builder
                .SetMinimumLevel(LogLevel.Warning)
                .AddSimpleConsole(options => options.SingleLine = true)
                .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
            var producer = new EventLogProducer(kafka, file.FullName, result.GetValue(paceLag), TimeProvider.System, loggers.CreateLogger("produce"));
            try
            {
                var summary = await producer.RunAsync(cancellationToken);
                System.Console.WriteLine(JsonSerializer.Serialize(summary, KafkaJson.Default.EventLogProduceSummary));
                return 0;
            }
            catch (Exception ex) when (ex is KafkaException or ArgumentException)
            {
                await System.Console.Error.WriteLineAsync($"produce: {ex.Message}");
                return 1;
            }
        });
        return command;
    }
}

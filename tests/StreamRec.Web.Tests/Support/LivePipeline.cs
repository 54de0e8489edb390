using System.Net.Http.Json;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Metrics;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Online;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Simulation;

namespace StreamRec.Web.Tests.Support;

/// <summary>
/// A running pipeline with its HTTP host, started by the test itself: an embedded broker, a small simulated log
/// produced onto the input topics, the Kafka job (which keeps running) and the server on a free port.
/// </summary>
internal sealed class LivePipeline : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    private readonly EmbeddedKafkaBroker _broker;
    private readonly Task _run;
    private readonly KafkaSourceControl _control;

    private LivePipeline(EmbeddedKafkaBroker broker, KafkaTopics topics, int produced, PipelineObservability observability, Task run, KafkaSourceControl control, StreamRecHttpServer server)
    {
        _broker = broker;
        Topics = topics;
        Produced = produced;
        Observability = observability;
        _run = run;
        _control = control;
        Server = server;
        Http = new HttpClient { BaseAddress = server.Address, Timeout = Timeout };
    }

    public KafkaTopics Topics { get; }

    public int Produced { get; }

    public PipelineObservability Observability { get; }

    public StreamRecHttpServer Server { get; }

    public HttpClient Http { get; }

    public string BootstrapServers => _broker.BootstrapServers;

    public static async Task<LivePipeline> StartAsync(CancellationToken cancellationToken)
    {
        var topics = new KafkaTopics();
        var broker = EmbeddedStreamRecBroker.Start(topics, partitions: 2);
        broker.SetInitialRebalanceDelay(TimeSpan.Zero);
        var events = new LiveCommerceSimulator(new SimulationOptions { Users = 400, Rooms = 60, Duration = TimeSpan.FromMinutes(40), Seed = 11 }).Generate();
        var kafka = new KafkaOptions
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "web-tests", InstanceId = "web-tests", MetricsInterval = TimeSpan.FromMilliseconds(500),
            PartitionIdleTimeout = TimeSpan.FromSeconds(1), PollTimeout = TimeSpan.FromMilliseconds(20),
        };
        using (var producer = KafkaClientConfigs.CreateProducer(kafka with { InstanceId = "web-tests-produce" }, NullLogger.Instance))
        {
            foreach (var e in events)
            {
                var value = JsonSerializer.SerializeToUtf8Bytes(e, ContractJson.Default.LiveEvent);
                var route = EventRoute.Of(value, topics);
                producer.Produce(route.Topic, new Message<byte[]?, byte[]?> { Key = route.Key, Value = value, Timestamp = new Timestamp(e.Ts, TimestampType.CreateTime) });
            }

            producer.Flush(cancellationToken);
        }

        var observability = new PipelineObservability(new OnlineEvaluationOptions { SampleRate = 1 }, static () => "baseline-test");
        var server = await StreamRecHttpServer.StartAsync(new HttpOptions { Port = 0 }, observability, kafka.InstanceId, TimeSpan.FromMilliseconds(200), cancellationToken);
        var job = new KafkaPipelineJob(kafka, new PipelineOptions(), new BaselineScorer(), TimeProvider.System, NullLogger.Instance, producer: null, observability);
        var run = job.RunAsync(CancellationToken.None).AsTask();
        var control = await job.Control.WaitAsync(Timeout, cancellationToken);
        return new LivePipeline(broker, topics, events.Count, observability, run, control, server);
    }

    /// <summary>Reads the dashboard's event stream until a snapshot satisfies <paramref name="done"/>; that is the signal tests wait for.</summary>
    public async Task<MetricsSnapshot> WaitForSnapshotAsync(Func<MetricsSnapshot, bool> done, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("data: ", StringComparison.Ordinal)
                && JsonSerializer.Deserialize(line["data: ".Length..], Kafka.KafkaJson.Default.MetricsSnapshot) is { } snapshot && done(snapshot))
            {
                return snapshot;
            }
        }

        throw new InvalidOperationException("The event stream ended before the condition held.");
    }

    public async Task StopAsync()
    {
        _control.Stop();
        await _run.WaitAsync(Timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_run.IsCompleted)
        {
            _control.Stop();
            await _run.WaitAsync(Timeout);
        }

        Http.Dispose();
        await Server.DisposeAsync();
        Observability.Dispose();
        await _broker.DisposeAsync();
    }
}

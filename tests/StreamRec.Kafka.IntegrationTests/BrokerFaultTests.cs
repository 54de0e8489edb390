using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using StreamRec.Contracts.Outputs;
using StreamRec.Contracts.Serialization;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.IntegrationTests.Support;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Outage;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Kafka.IntegrationTests;

/// <summary>
/// The pipeline under broker faults, injected through the embedded broker's mock API: each test starts its own
/// broker, since an outage takes every client of it down.
/// </summary>
public sealed class BrokerFaultTests : IAsyncLifetime
{
    private static readonly PipelineOptions Pipeline = new();

    // Small batches and buffers, so a stalled output backs the whole pipeline up to the consumer within a few hundred records.
    private static readonly PipelineOptions SmallBatches = new() { BatchSize = 16 };

    private EmbeddedKafkaBroker _broker = null!;

    public Task InitializeAsync()
    {
        _broker = EmbeddedKafkaBroker.Start(new EmbeddedKafkaBrokerOptions { InitialRebalanceDelay = TimeSpan.Zero });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Run_BrokersDownLongerThanToleranceNothingInFlight_FailsFastWithClearMessage()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        var tolerance = TimeSpan.FromSeconds(3);
        var (_, kafka) = Topics("outage-idle", 1);
        kafka = kafka with { StopWhenCaughtUp = false, BrokerOutageTolerance = tolerance };

        var job = new KafkaPipelineJob(kafka, Pipeline, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(timeout.Token).AsTask();
        var control = await job.Control;

        // Both consumers running: an outage during the rooms reader's start-up fails its 30 s metadata wait instead.
        await Task.WhenAll(control.FirstAssignment, control.Rooms.FirstAssignment).WaitAsync(timeout.Token);
        var down = Stopwatch.StartNew();
        _broker.SetBrokersDown();
        var error = await Assert.ThrowsAsync<BrokerOutageException>(() => run);
        down.Stop();

        Assert.Contains("BrokerOutageTolerance", error.Message, StringComparison.Ordinal);
        Assert.InRange(down.Elapsed, tolerance, tolerance + TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task ExchangeReader_StoppedWhileNoBrokerAnswersItsStart_StopsWithoutWaitingOutTheMetadataTimeout()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        var (_, kafka) = Topics("outage-exchange", 1);
        _broker.SetBrokersDown();

        // The other consumers report the outage and the job stops while the reader still asks for the topic's partitions.
        var stop = Stopwatch.StartNew();
        var reader = new ExchangeReader(kafka, NullLogger.Instance, () => 0);
        reader.Start(() => { });
        await reader.StopAsync().WaitAsync(timeout.Token);
        stop.Stop();

        // Its 30 s metadata wait would make the job's failure come that much later than the outage tolerance.
        Assert.InRange(stop.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.Null(reader.Failure);
    }

    [Fact]
    public async Task Run_BrokersDownWithDeltasInFlight_FailsWithinToleranceNotAfterMessageTimeout()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.ThreeHours();
        var tolerance = TimeSpan.FromSeconds(3);
        var (topics, kafka) = Topics("outage-inflight", 1);
        await log.ProduceAsync(kafka, timeout.Token);
        kafka = kafka with { BrokerOutageTolerance = tolerance, MaxBufferedRecordsPerPartition = 20, MaxInFlightMessages = 50 };

        // Deltas cannot be written, so they stay in flight and the pipeline backs up to the consumer.
        _broker.SetPartitionLeader(topics.Deltas, 0, null);
        var job = new KafkaPipelineJob(kafka, SmallBatches, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(timeout.Token).AsTask();
        await (await job.Control).FirstPause.WaitAsync(timeout.Token);
        var down = Stopwatch.StartNew();
        _broker.SetBrokersDown();
        await Assert.ThrowsAsync<BrokerOutageException>(() => run);
        down.Stop();

        Assert.InRange(down.Elapsed, tolerance, tolerance + TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task Run_BrokersDownThenBackOnSamePortWithinTolerance_RecoversWithNothingLost()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.ThreeHours();
        var (topics, kafka) = Topics("outage-recover", 1);
        await log.ProduceAsync(kafka, timeout.Token);
        kafka = kafka with { MaxBufferedRecordsPerPartition = 20, MaxInFlightMessages = 50 };
        _broker.SetPartitionLeader(topics.Deltas, 0, null);

        var job = new KafkaPipelineJob(kafka, SmallBatches, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(timeout.Token).AsTask();
        var control = await job.Control;
        await control.FirstPause.WaitAsync(timeout.Token);

        // Mid-run, with deltas in flight and input still on the broker: the outage begins, is noticed, and ends.
        _broker.SetBrokersDown();
        await control.Outage.FirstOutage.WaitAsync(timeout.Token);
        _broker.SetBrokersUp();
        _broker.SetPartitionLeader(topics.Deltas, 0, 1);
        var summary = await run;
        var deltas = await KafkaReader.ReadAllAsync(_broker.BootstrapServers, topics.Deltas, timeout.Token);
        var reference = await log.ReplayAsync(SmallBatches with { Partitions = 1 }, timeout.Token);

        Assert.Equal(log.Events.Count, summary.RecordsIn);
        Assert.Equal(0, summary.DeadLettered);
        Assert.NotEmpty(reference);

        // At-least-once: a retried produce may repeat a delta, never lose or change one.
        var received = deltas.Select(d => Encoding.UTF8.GetString(d.Message.Value!)).Distinct().ToList();
        Assert.Equal(ByUserAndSeq(reference), ByUserAndSeq(received));
    }

    [Fact]
    public async Task Run_OutputTopicRefusesWrites_ConsumptionStopsAtABoundThenEverythingIsDelivered()
    {
        using var timeout = new CancellationTokenSource(KafkaTestDefaults.Timeout);
        using var log = SimulatedLog.Backlog();
        const int Buffered = 200;
        const int InFlight = 50;
        var (topics, kafka) = Topics("backpressure-output", 1);
        await log.ProduceAsync(kafka, timeout.Token);
        kafka = kafka with { MaxBufferedRecordsPerPartition = Buffered, MaxInFlightMessages = InFlight };
        _broker.SetPartitionLeader(topics.Deltas, 0, null);

        var job = new KafkaPipelineJob(kafka, SmallBatches, new BaselineScorer(), TimeProvider.System, NullLogger.Instance);
        var run = job.RunAsync(timeout.Token).AsTask();
        var control = await job.Control;
        await control.FirstPause.WaitAsync(timeout.Token);

        // Sampled every 50 ms until what is held has not moved for 1 s (the buffers are full and consumption has
        // stopped), however long a loaded machine takes to fill them; the test's timeout bounds the wait.
        const int StableSamples = 20;
        var held = new List<long>();
        var consumed = 0L;
        var inputs = 0;
        using (var ticks = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
        {
            while (await ticks.WaitForNextTickAsync(timeout.Token)
                && (held.Count < StableSamples || held.TakeLast(StableSamples).Distinct().Count() > 1))
            {
                consumed = job.Metrics.RecordsIn + control.Users.Inputs.Concat(control.Rooms.Inputs).Sum(input => input.Count);
                held.Add(control.Users.Unacknowledged);
                inputs = Math.Max(inputs, control.Users.Inputs.Count + control.Rooms.Inputs.Count);
            }
        }

        _broker.SetPartitionLeader(topics.Deltas, 0, 1);
        var summary = await run;

        // What can be held, from the settings: each input partition's buffer, and in the stream at most the produce
        // stage's pending batches plus a few more in the stages' buffers (2 + 2 around decoding, one in each
        // stage), each of at most BatchSize records.
        var bound = (long)inputs * Buffered + (KafkaProduceStage.MaxPendingBatches + 16) * SmallBatches.BatchSize;
        Assert.True(log.Events.Count > 2 * bound, $"the backlog ({log.Events.Count}) must dwarf the bound ({bound})");
        Assert.True(held.Max() <= bound, $"held up to {held.Max()} records while the output refused writes; bound {bound}");
        Assert.True(held.Max() > 0);

        Assert.True(held[^1] < log.Events.Count / 2, $"fetched {held[^1]} of {log.Events.Count} while stalled");
        Assert.Equal(log.Events.Count, summary.RecordsIn);
        Console.WriteLine($"backpressure: backlog {log.Events.Count}, consumed {consumed} while stalled, held at most {held.Max()} (bound {bound})");
    }

    private (KafkaTopics Topics, KafkaOptions Kafka) Topics(string test, int partitions)
    {
        var topics = KafkaTestDefaults.UniqueTopics(test);
        foreach (var topic in topics.All)
        {
            _broker.CreateTopic(topic, partitions);
        }

        return (topics, KafkaTestDefaults.Options(_broker.BootstrapServers, topics, test));
    }

    private static List<string> ByUserAndSeq(IEnumerable<string> lines) =>
        [.. lines.Select(line => (Delta: JsonSerializer.Deserialize(line, ContractJson.Default.RecommendationDelta)!, Line: line))
            .OrderBy(x => x.Delta.UserId, StringComparer.Ordinal).ThenBy(x => x.Delta.Seq).Select(x => x.Line)];
}

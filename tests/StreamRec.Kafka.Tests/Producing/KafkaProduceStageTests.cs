using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using StreamRec.Contracts.Outputs;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Batches;

namespace StreamRec.Kafka.Tests.Producing;

public sealed class KafkaProduceStageTests : IDisposable
{
    private readonly ActorSystem _system = ActorSystem.Create("produce-stage-tests");

    [Fact]
    public async Task Produce_DeliveryFails_StreamFailsWithTheKafkaError()
    {
        // Nothing listens on the port, so every message times out in librdkafka's queue.
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(new ProducerConfig
        {
            BootstrapServers = $"127.0.0.1:{ClosedPort()}",
            MessageTimeoutMs = 500,
            EnableIdempotence = true,
        }).Build();
        var batch = new EventBatch();
        batch.Deltas.Add(new RecommendationDelta { UserId = "u1", Seq = 1, Ts = 1, Top = [], Added = [], Removed = [] });

        var done = Source.Single(batch)
            .Via(KafkaConnector.Produce(producer, new KafkaTopics(), maxInFlightMessages: 10))
            .RunWith(Sink.Seq<Kafka.Producing.ProducedBatch>(), _system.Materializer());

        var error = await Assert.ThrowsAsync<ProduceException<byte[]?, byte[]?>>(() => done.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ErrorCode.Local_MsgTimedOut, error.Error.Code);
    }

    public void Dispose() => _system.Dispose();

    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}

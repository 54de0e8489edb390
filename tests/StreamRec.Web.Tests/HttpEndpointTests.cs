using System.Net;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using NJsonSchema;
using StreamRec.Kafka.Hosting;
using StreamRec.Web.Tests.Support;

namespace StreamRec.Web.Tests;

public sealed class HttpEndpointTests
{
    [Fact]
    public async Task Readyz_BeforeThePipelineRuns_Is503AndNamesWhatIsMissing()
    {
        using var observability = new PipelineObservability();
        await using var server = await StreamRecHttpServer.StartAsync(new HttpOptions { Port = 0 }, observability, "idle", TimeSpan.FromSeconds(1), CancellationToken.None);
        using var http = new HttpClient { BaseAddress = server.Address };

        var ready = await http.GetAsync("readyz");
        var live = await http.GetAsync("livez");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var text = await ready.Content.ReadAsStringAsync();
        Assert.Contains("no partitions assigned", text, StringComparison.Ordinal);
        Assert.Contains("model not loaded", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Equal("127.0.0.1", server.Address.Host);
    }

    [Fact]
    public void HttpOptions_PortOutOfRangeOrNoAddress_AreRejected()
    {
        Assert.Throws<ArgumentException>(() => new HttpOptions { Port = 70000 }.Validate());
        Assert.Throws<ArgumentException>(() => new HttpOptions { Address = "localhost:80" }.Validate());
        Assert.Equal(8080, new HttpOptions().Validate().Port);
    }

    [Fact]
    public async Task RunningPipeline_ServesHealthPrometheusUserViewAndSchemaValidSnapshots()
    {
        using var timeout = new CancellationTokenSource(LivePipeline.Timeout);
        await using var live = await LivePipeline.StartAsync(timeout.Token);

        var caughtUp = await live.WaitForSnapshotAsync(s => s.RecordsIn == live.Produced && s.DeltasOut > 0 && s.Histograms["streamrec.delta.freshness"].Total.Count > 0, timeout.Token);
        var ready = await live.Http.GetAsync("readyz", timeout.Token);
        var alive = await live.Http.GetAsync("livez", timeout.Token);
        var prometheus = await live.Http.GetStringAsync("metrics", timeout.Token);
        var user = live.Observability.RecentDeltas.LatestUser()!;
        var view = JsonDocument.Parse(await live.Http.GetStringAsync($"api/users/{user}", timeout.Token)).RootElement;
        var unknown = await live.Http.GetAsync("api/users/nobody-at-all", timeout.Token);
        await live.StopAsync();
        var stopped = await live.Http.GetAsync("livez", timeout.Token);

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stopped.StatusCode);
        Assert.Contains("streamrec_delta_freshness_seconds_bucket{", prometheus, StringComparison.Ordinal);
        Assert.Contains("streamrec_step_duration_seconds_count{", prometheus, StringComparison.Ordinal);
        Assert.Contains("streamrec_events_received_total{", prometheus, StringComparison.Ordinal);
        Assert.Contains("kind=\"click\"", prometheus, StringComparison.Ordinal);
        Assert.Contains("streamrec_online_hit_ratio{", prometheus, StringComparison.Ordinal);
        Assert.True(caughtUp.EventsByKind["click"] > 0);
        Assert.Equal("baseline-test", caughtUp.ModelVersion);
        var rooms = view.GetProperty("explanation").GetProperty("rooms");
        Assert.InRange(rooms.GetArrayLength(), 1, 10);
        Assert.Equal(StreamRec.Pipeline.Features.FeatureExtractor.Count, rooms[0].GetProperty("features").EnumerateObject().Count());
        Assert.True(view.GetProperty("recent_deltas").GetArrayLength() > 0);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // The metrics topic: every snapshot the job published validates against the schema.
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "schemas", "metrics_snapshot.schema.json"));
        var snapshots = ReadAll(live.BootstrapServers, live.Topics.Metrics, timeout.Token);
        Assert.NotEmpty(snapshots);
        Assert.All(snapshots, json => Assert.Empty(schema.Validate(json)));
        var last = JsonSerializer.Deserialize(snapshots[^1], Kafka.KafkaJson.Default.MetricsSnapshot)!;
        Assert.True(last.Histograms["streamrec.delta.freshness"].Total.P99Ms > 0);
        Assert.True(last.OnlineEvaluation!.Cases > 0);
    }

    [Fact]
    public async Task Schema_SnapshotMissingHistograms_IsRejected()
    {
        var schema = await JsonSchema.FromFileAsync(Path.Combine(AppContext.BaseDirectory, "schemas", "metrics_snapshot.schema.json"));
        using var observability = new PipelineObservability();
        var json = JsonSerializer.Serialize(new Kafka.Metrics.MetricsSnapshots("x", observability).Next(DateTimeOffset.UtcNow), Kafka.KafkaJson.Default.MetricsSnapshot);
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.Empty(schema.Validate(json));

        node.Remove("histograms");

        Assert.Contains(schema.Validate(node.ToJsonString()), e => e.Property == "histograms");
    }

    private static List<string> ReadAll(string bootstrap, string topic, CancellationToken cancellationToken)
    {
        var config = new ConsumerConfig { BootstrapServers = bootstrap, GroupId = $"reader-{Guid.NewGuid():N}", EnableAutoCommit = false, EnablePartitionEof = true };
        using var consumer = new ConsumerBuilder<byte[]?, byte[]?>(config).Build();
        consumer.Assign(new TopicPartitionOffset(topic, 0, Offset.Beginning));
        var values = new List<string>();
        while (consumer.Consume(cancellationToken) is { } result && !result.IsPartitionEOF)
        {
            values.Add(System.Text.Encoding.UTF8.GetString(result.Message.Value!));
        }

        return values;
    }
}

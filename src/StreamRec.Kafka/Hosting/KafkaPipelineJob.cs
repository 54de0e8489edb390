using System.Diagnostics;
using Akka.Streams;
using Akka.Streams.Dsl;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using StreamRec.Kafka.Consuming;
using StreamRec.Kafka.Metrics;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;
using StreamRec.Pipeline;
using StreamRec.Pipeline.Hosting;
using StreamRec.Pipeline.Metrics;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;
using StreamRec.Pipeline.State;

namespace StreamRec.Kafka.Hosting;

/// <summary>
/// Runs the pipeline as a Kafka service: user topics (this instance's share of the group) and the rooms
/// table in, deltas and dead letters out, offsets committed once the output they caused is acknowledged
/// (at-least-once), metrics published periodically. Cancelling stops gracefully: the source stops, the
/// stream drains, acknowledged offsets are committed, and the consumers are closed, then disposed.
/// </summary>
/// <remarks>
/// Re-ranks are coalesced in event time, so the delta an event causes can leave in a later batch than the
/// event; after a crash the events since the last commit are processed again. Without a state directory, state is
/// in memory: a restarted instance starts from empty user state (the rooms table is re-read in full). With one, it
/// is checkpointed there and to the changelog topic, from which a partition that moves to this instance is restored.
/// </remarks>
public sealed class KafkaPipelineJob(
    KafkaOptions kafka, PipelineOptions options, IScorer scorer, TimeProvider time, ILogger logger, IProducer<byte[]?, byte[]?>? producer = null,
    PipelineObservability? observability = null, IStateDirectory? stateDirectory = null)
{
    private readonly PipelineObservability _observability = observability ?? new PipelineObservability();
    private readonly TaskCompletionSource<KafkaSourceControl> _control = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PipelineMetrics Metrics => _observability.Metrics;

    /// <summary>Instruments, readiness, online evaluation and user queries of this job.</summary>
    public PipelineObservability Observability => _observability;

    // Decoding's actor has a boundary on each side. Akka's default of 16 waiting elements each let up to
    // 32 x BatchSize records sit in the stream, all of which a stop had to drain (measured: 9.4 s after SIGTERM
    // with a 229k backlog; 2.4 s with these). A file replay keeps the default: the deeper queues are worth ~10%
    // there, and nothing waits on its drain.
    private static readonly Attributes LiveInputBuffers = Attributes.CreateInputBuffer(2, 2);

    /// <summary>The source's control once the stream runs (assignment, lag); faulted with the run's failure when it fails before.</summary>
    public Task<KafkaSourceControl> Control => _control.Task;

    public async ValueTask<KafkaRunSummary> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await RunCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A run that fails before its stream starts (options, broker metadata, state) has no control to hand out:
            // whoever waits for one learns why at once instead of waiting out a limit. A no-op once the control is set.
            _control.TrySetException(ex);
            throw;
        }
    }

    private async ValueTask<KafkaRunSummary> RunCoreAsync(CancellationToken cancellationToken)
    {
        kafka.Validate();
        options.Validate();
        var stopwatch = Stopwatch.StartNew();
        using var ownProducer = producer is null ? KafkaClientConfigs.CreateProducer(kafka, logger) : null;
        var output = producer ?? ownProducer!;

        // A state partition is an input partition: as many as the (co-partitioned) user topics have.
        var partitioned = (options with { Partitions = UserTopicPartitions(output) }).Validate();
        var readiness = _observability.Readiness;
        readiness.MarkBrokerReachable();
        readiness.MarkModelLoaded(); // the scorer is constructed, so its model is loaded and checked
        // Durable state resumes where its last checkpoint stood: the stored positions, then the outbox first. Its
        // checkpoints also go to the changelog, from which partitions that move between instances are restored.
        var floors = stateDirectory is null ? null : new DeltaFloors(CoPartitioned(output, kafka.Topics.Deltas, partitioned.Partitions, "its deltas carry each user's seq fence"));
        var changelog = stateDirectory is null ? null : new KafkaStateChangelog(
            output, kafka.Topics.Changelog, ChangelogPartitions(output, partitioned.Partitions), kafka.ShutdownTimeout, (kafka.Topics.Deltas, floors!));
        var state = stateDirectory is null
            ? PipelineState.InMemory(partitioned)
            : PipelineState.Open(partitioned, stateDirectory, time, resumesAfterStop: true, changelog);
        var checkpoints = state.Checkpoints;
        if (checkpoints is not null)
        {
            Log.StateOpened(logger, checkpoints.RestoreTime.TotalSeconds, checkpoints.IsRestored, checkpoints.Positions.Count, state.UserCount, checkpoints.Outbox?.Deltas.Count ?? 0);
        }

        state.Exchange.Publishes = kafka.ExchangeAggregates;
        var hooks = _observability.Attach(partitioned, state);
        using var system = StreamActorSystem.Create("streamrec-kafka");

        var exchange = state.Exchange;
        var processed = KafkaConnector.Source(kafka, partitioned, time, logger, checkpoints?.Positions, changelog, kafka.ExchangeAggregates ? () => exchange.Held : null)
            .Select(PipelineObservability.Arrived)
            .Via(RecommendationPipeline.Create(partitioned, state, scorer, _observability.Metrics, time, hooks).WithAttributes(LiveInputBuffers))
            .Select(_observability.Processed); // fused with the core: runs between its batches
        var outbox = checkpoints?.Outbox is { } unsent ? Source.Single(unsent) : Source.Empty<Pipeline.Batches.EventBatch>();
        var (control, done) = outbox.ConcatMaterialized(processed, Keep.Right)
            .Via(KafkaConnector.Produce(output, kafka.Topics, kafka.MaxInFlightMessages, kafka.MaxDeadLetterBytes, floors, changelog?.Ownership))
            .Select(produced =>
            {
                _observability.Acknowledged();
                return produced;
            })
            .ToMaterialized(KafkaConnector.CommitSink(), Keep.Both)
            .Run(system.Materializer());
        _observability.ConsumerLag = () => control.ConsumerLag;
        _observability.SkippedByRetention = () => control.SkippedByRetention;
        readiness.TrackAssignment(() => control.Assignment.Count);
        readiness.TrackOutage(() => control.BrokersUnreachableSince is not null);
        readiness.TrackRestoring(() => control.Restoring);
        _control.TrySetResult(control);
        Log.Started(logger, kafka.InstanceId, kafka.GroupId, kafka.BootstrapServers);

        using var metrics = new MetricsPublisher(output, kafka.Topics.Metrics, kafka.InstanceId, _observability, kafka.MetricsInterval, time, logger);
        var failed = false;
        try
        {
            await DrainAsync(control, done, cancellationToken).ConfigureAwait(false);

            // Every output is acknowledged now: the stop's checkpoint need not hold them for the next start to send again.
            if (done.IsCompletedSuccessfully)
            {
                checkpoints?.Settle();
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            failed = true;
            Log.PipelineFailed(logger, ex);
            throw;
        }
        finally
        {
            readiness.MarkStopped();
            var unreachable = control.BrokersUnreachableSince;

            // Whatever happened, what was acknowledged is committed and the consumers leave the group cleanly.
            var closed = await CloseAsync(control, metrics, output).ConfigureAwait(false);
            if (observability is null)
            {
                // Ours alone: its listener would otherwise outlive the job (the counters stay readable).
                _observability.Dispose();
            }

            // Everything was processed, but the stop was not clean: the exit code must say so.
#pragma warning disable CA2219 // Only when nothing else is being thrown.
            if (!failed && unreachable is { } since)
            {
                throw new Outage.BrokerOutageException(
                    $"Stopped while the Kafka brokers {kafka.BootstrapServers} were unreachable (since {since:O}): the last offsets could not be committed and will be processed again.");
            }

            if (!failed && !closed)
            {
                throw new TimeoutException($"The consumers did not close within Kafka:ShutdownTimeout ({kafka.ShutdownTimeout}).");
            }
#pragma warning restore CA2219
        }

        var elapsed = stopwatch.Elapsed;
        var counters = _observability.Metrics;
        return new KafkaRunSummary(
            counters.RecordsIn, counters.Valid, counters.DeadLettered, counters.DeltasOut, (long)elapsed.TotalMilliseconds,
            (long)(counters.RecordsIn / Math.Max(elapsed.TotalSeconds, 1e-6)));
    }

    /// <summary>The changelog must be co-partitioned with the user topics: its partition p holds the users of their partition p.</summary>
    private int ChangelogPartitions(IProducer<byte[]?, byte[]?> client, int userPartitions)
    {
        using var admin = new DependentAdminClientBuilder(client.Handle).Build();
        var topic = kafka.Topics.Changelog;
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' is not available ({metadata?.Error.Reason ?? "no metadata"}); durable state (State:Directory) needs its changelog: create it with {userPartitions} partitions and cleanup.policy=compact.");
        }

        if (metadata.Partitions.Count != userPartitions)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' has {metadata.Partitions.Count} partitions, the user topics {userPartitions}: the changelog must be co-partitioned with them.");
        }

        return userPartitions;
    }

    /// <summary>
    /// With durable state, the deltas topic must have the user topics' partition count: the murmur2 partitioner then
    /// puts a user's deltas on the partition numbered like the user's, where a restore's seq fence reads them.
    /// </summary>
    private static int CoPartitioned(IProducer<byte[]?, byte[]?> client, string topic, int userPartitions, string why)
    {
        using var admin = new DependentAdminClientBuilder(client.Handle).Build();
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            throw new InvalidOperationException($"Topic '{topic}' is not available ({metadata?.Error.Reason ?? "no metadata"}); create it with {userPartitions} partitions.");
        }

        if (metadata.Partitions.Count != userPartitions)
        {
            throw new InvalidOperationException(
                $"Topic '{topic}' has {metadata.Partitions.Count} partitions, the user topics {userPartitions}: with durable state (State:Directory) it must be co-partitioned with them ({why}).");
        }

        return userPartitions;
    }

    private int UserTopicPartitions(IProducer<byte[]?, byte[]?> client)
    {
        using var admin = new DependentAdminClientBuilder(client.Handle).Build();
        var topic = kafka.Topics.Clicks;
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(30)).Topics.SingleOrDefault(t => t.Topic == topic);
        if (metadata is null || metadata.Error.IsError || metadata.Partitions.Count == 0)
        {
            throw new InvalidOperationException($"Topic '{topic}' is not available ({metadata?.Error.Reason ?? "no metadata"}); create the input topics first.");
        }

        return metadata.Partitions.Count;
    }

    private async Task DrainAsync(KafkaSourceControl control, Task done, CancellationToken cancellationToken)
    {
        // The source fails the stream when an outage outlasts the tolerance; while draining it has already
        // completed, so the outage is awaited here as well: an unreachable broker never holds a stop for long.
        var outage = control.Outage.Exceeded;
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (cancellationToken.Register(() => stopping.TrySetResult()))
        {
            var first = await Task.WhenAny(done, outage, stopping.Task).ConfigureAwait(false);
            if (first != stopping.Task)
            {
                await first.ConfigureAwait(false);
                await done.ConfigureAwait(false);
                return;
            }
        }

        Log.Draining(logger, kafka.ShutdownTimeout);
        control.Stop();
        var drained = await Task.WhenAny(done, outage, Task.Delay(kafka.ShutdownTimeout, time, CancellationToken.None)).ConfigureAwait(false);
        if (drained == done || drained == outage)
        {
            await drained.ConfigureAwait(false);
            return;
        }

        Log.DrainTimedOut(logger, kafka.ShutdownTimeout);
        throw new TimeoutException($"Draining did not finish within Kafka:ShutdownTimeout ({kafka.ShutdownTimeout}).");
    }

    /// <summary>
    /// Commits what was acknowledged and closes the consumers (leaving the group), then flushes the producer; while
    /// the brokers are unreachable, waits only briefly for what is still queued (its offsets are not committed, so
    /// it is produced again after the restart). Returns false when the consumers did not close in time.
    /// </summary>
    private async Task<bool> CloseAsync(KafkaSourceControl control, MetricsPublisher metrics, IProducer<byte[]?, byte[]?> output)
    {
        var closed = true;
        using (var closing = new CancellationTokenSource(kafka.ShutdownTimeout))
        {
            try
            {
                await control.ShutdownAsync(closing.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                closed = false;
                Log.CloseTimedOut(logger, kafka.ShutdownTimeout);
            }
        }

        if (control.BrokersUnreachableSince is null)
        {
            metrics.Publish();
            if (output.Flush(kafka.ShutdownTimeout) == 0)
            {
                return closed;
            }
        }

        // librdkafka would hold these for message.timeout.ms (5 min); disposing the producer drops them instead.
        var left = output.Flush(TimeSpan.FromSeconds(1));
        if (left > 0)
        {
            Log.ProducerAbandoned(logger, left);
        }

        return closed;
    }
}

using StreamRec.State;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Cli.Commands.Run;

/// <summary>
/// The pipeline as a hosted service: runs <see cref="KafkaPipelineJob"/> until the host stops (Ctrl+C,
/// SIGTERM), then lets it drain and commit. When the job ends by itself (caught up, or failed) the whole
/// application stops with it.
/// </summary>
internal sealed partial class KafkaPipelineService(
    IOptions<KafkaOptions> kafka,
    IOptions<PipelineOptions> pipeline,
    IOptions<RocksDbStoreOptions> state,
    IScorer scorer,
    IProducer<byte[]?, byte[]?> producer,
    TimeProvider time,
    ILoggerFactory loggers,
    IHostApplicationLifetime lifetime,
    RunOutcome outcome,
    PipelineObservability observability) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Off the host's start-up path: building the actor system and consumers must not delay other services.
        await Task.Yield();
        var logger = loggers.CreateLogger("StreamRec.Kafka");
        RocksDbPartition? directory = null;
        try
        {
            // One database holds the instance's partitions, so one checkpoint is one atomic write.
            directory = string.IsNullOrEmpty(state.Value.Directory) ? null : RocksDbPartition.Open(state.Value, 0);
            var job = new KafkaPipelineJob(kafka.Value, pipeline.Value, scorer, time, logger, producer, observability, directory);
            outcome.Summary = await job.RunAsync(stoppingToken);
        }
        catch (Exception ex)
        {
            // The job logged the failure with its cause; the command turns this into exit code 1.
            outcome.Failure = ex;
            LogStopped(logger, ex.GetType().Name);
        }
        finally
        {
            directory?.Dispose();
            outcome.Completed = true;
            lifetime.StopApplication();
        }
    }

    [LoggerMessage(EventId = 3100, Level = LogLevel.Error, Message = "The pipeline stopped with {Error}; exiting")]
    private static partial void LogStopped(ILogger logger, string error);
}

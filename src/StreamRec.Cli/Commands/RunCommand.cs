using System.CommandLine;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StreamRec.Cli.Commands.Run;
using StreamRec.Kafka;
using StreamRec.Kafka.Embedded;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Pipeline.Online;
using StreamRec.Pipeline.Options;
using StreamRec.State;
using StreamRec.Web;
using StreamRec.Pipeline.Scoring;

namespace StreamRec.Cli.Commands;

/// <summary>
/// <c>streamrec run</c>: the pipeline as a Kafka service on the Generic Host. Settings come from
/// <c>appsettings.json</c> (sections <c>Kafka</c>, <c>Pipeline</c>, <c>Http</c>, <c>OnlineEvaluation</c>, <c>Logging</c>), then environment variables
/// prefixed <c>STREAMREC_</c> (<c>STREAMREC_Kafka__GroupId=g</c>), then the command-line options.
/// </summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var bootstrap = new Option<string?>("--bootstrap-servers")
        {
            Description = "Kafka bootstrap servers. Without it (or Kafka:BootstrapServers in settings) an embedded broker is started.",
        };
        var group = new Option<string?>("--group-id") { Description = "Consumer group (default 'streamrec')." };
        var instance = new Option<string?>("--instance-id") { Description = "Instance name in metrics and client ids (default host-pid)." };
        var config = new Option<FileInfo?>("--config") { Description = "Settings file (default: appsettings.json in the working directory, if present)." };
        var embeddedPort = new Option<int>("--embedded-port") { Description = "Port of the embedded broker, when one is started.", DefaultValueFactory = _ => 9092 };
        var exitWhenCaughtUp = new Option<bool>("--exit-when-caught-up") { Description = "Stop once every assigned partition is read to its end and processed." };
        var stateDir = new Option<DirectoryInfo?>("--state-dir")
        {
            Description = "Keep the state in this directory (RocksDB; also State:Directory): a restart restores every user, seq included, and resumes the input where the last checkpoint stood.",
        };
        var command = new Command("run", "Run the pipeline as a service: Kafka topics in, recommendation deltas out.")
        {
            bootstrap, group, instance, config, embeddedPort, exitWhenCaughtUp, stateDir,
        };
        var scorer = new ScorerOptions();
        scorer.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            void Override(string key, string? value)
            {
                if (value is not null)
                {
                    overrides[key] = value;
                }
            }

            Override("Kafka:BootstrapServers", result.GetValue(bootstrap));
            Override("Kafka:GroupId", result.GetValue(group));
            Override("Kafka:InstanceId", result.GetValue(instance));
            Override("Kafka:StopWhenCaughtUp", result.GetValue(exitWhenCaughtUp) ? "true" : null);
            Override("State:Directory", result.GetValue(stateDir)?.FullName);
            return await RunAsync(result.GetValue(config), overrides, result.GetValue(embeddedPort), loggers => scorer.Create(result, loggers), cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(
        FileInfo? config, Dictionary<string, string?> overrides, int embeddedPort, Func<ILoggerFactory, IScorer> createScorer, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Configuration
            .AddJsonFile(config?.FullName ?? Path.Combine(Directory.GetCurrentDirectory(), "appsettings.json"), optional: config is null, reloadOnChange: false)
            .AddEnvironmentVariables("STREAMREC_")
            .AddInMemoryCollection(overrides);
        builder.Logging
            .AddConfiguration(builder.Configuration.GetSection("Logging"))
            .AddSimpleConsole(options =>
            {
                options.SingleLine = true;
                options.TimestampFormat = "HH:mm:ss ";
            })
            .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace);

        EmbeddedKafkaBroker? broker = null;
        try
        {
            if (string.IsNullOrWhiteSpace(builder.Configuration["Kafka:BootstrapServers"]))
            {
                var topics = builder.Configuration.GetSection("Kafka:Topics").Get<KafkaTopics>() ?? new KafkaTopics();
                broker = EmbeddedStreamRecBroker.Start(topics, partitions: 4, embeddedPort);
                builder.Configuration["Kafka:BootstrapServers"] = broker.BootstrapServers;
                await System.Console.Error.WriteLineAsync($"run: started an embedded broker at {broker.BootstrapServers} (in memory; each partition keeps only its newest ~5 MB, so a reader further behind skips data)");
            }

            Register(builder, createScorer);
            using var host = builder.Build();

            // Validate settings and load the model now: a bad setting or a missing model is a usage error
            // with a one-line message, not a host start-up failure with a stack trace.
            if (InvalidSettings(host.Services) is { } problems)
            {
                await System.Console.Error.WriteLineAsync($"run: {problems}");
                return 2;
            }

            host.Services.GetRequiredService<IScorer>();
            var outcome = host.Services.GetRequiredService<RunOutcome>();
            await host.RunAsync(cancellationToken);
            if (outcome.Summary is { } summary)
            {
                System.Console.WriteLine(JsonSerializer.Serialize(summary, KafkaJson.Default.KafkaRunSummary));
            }

            // The exit code tells the truth: a failure, or a shutdown the host stopped waiting for, is never 0.
            if (outcome.Failure is { } failure)
            {
                await System.Console.Error.WriteLineAsync($"run: failed: {failure.Message}");
                return 1;
            }

            if (!outcome.Completed)
            {
                await System.Console.Error.WriteLineAsync("run: the pipeline did not finish shutting down in time; uncommitted input will be processed again");
                return 1;
            }

            return 0;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidDataException or FileNotFoundException or System.Net.Sockets.SocketException or IOException
                                       or ArgumentException or Model.Manifest.ModelManifestMismatchException)
        {
            await System.Console.Error.WriteLineAsync($"run: {ex.Message}");
            return 2;
        }
        finally
        {
            if (broker is not null)
            {
                await broker.DisposeAsync();
            }
        }
    }

    /// <summary>Every invalid setting of every section, or null when all are valid.</summary>
    private static string? InvalidSettings(IServiceProvider services)
    {
        var problems = new List<string>();
        foreach (var resolve in new Func<object>[]
                 {
                     () => services.GetRequiredService<IOptions<KafkaOptions>>().Value,
                     () => services.GetRequiredService<IOptions<PipelineOptions>>().Value,
                     () => services.GetRequiredService<IOptions<HttpOptions>>().Value,
                     () => services.GetRequiredService<IOptions<OnlineEvaluationOptions>>().Value,
                 })
        {
            try
            {
                resolve();
            }
            catch (OptionsValidationException ex)
            {
                problems.Add(ex.Message);
            }
        }

        return problems.Count == 0 ? null : string.Join(Environment.NewLine, problems);
    }

    /// <remarks>Internal, not private: the deployment tests read the configuration sections it binds.</remarks>
    internal static void Register(HostApplicationBuilder builder, Func<ILoggerFactory, IScorer> createScorer)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<IValidateOptions<KafkaOptions>, OptionsValidation>();
        services.AddSingleton<IValidateOptions<PipelineOptions>, OptionsValidation>();
        services.AddOptions<KafkaOptions>().Bind(builder.Configuration.GetSection("Kafka")).ValidateOnStart();
        services.AddOptions<PipelineOptions>().Bind(builder.Configuration.GetSection("Pipeline")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<HttpOptions>, OptionsValidation>();
        services.AddSingleton<IValidateOptions<OnlineEvaluationOptions>, OptionsValidation>();
        services.AddOptions<HttpOptions>().Bind(builder.Configuration.GetSection("Http")).ValidateOnStart();
        services.AddOptions<OnlineEvaluationOptions>().Bind(builder.Configuration.GetSection("OnlineEvaluation")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RocksDbStoreOptions>, OptionsValidation>();
        services.AddOptions<RocksDbStoreOptions>().Bind(builder.Configuration.GetSection("State")).ValidateOnStart();
        // From raw configuration: resolving the validated KafkaOptions here would fail the host's construction
        // before every invalid setting can be reported together.
        // Draining, closing the consumers and flushing the producer are each bounded by Kafka:ShutdownTimeout.
        var shutdown = builder.Configuration.GetSection("Kafka").GetValue<TimeSpan?>(nameof(KafkaOptions.ShutdownTimeout)) ?? new KafkaOptions().ShutdownTimeout;
        services.AddOptions<HostOptions>().Configure(host => host.ShutdownTimeout = (3 * shutdown) + TimeSpan.FromSeconds(5));
        services.AddSingleton(provider => createScorer(provider.GetRequiredService<ILoggerFactory>()));

        // One long-lived producer per process, shared by the sink and the metrics publisher.
        services.AddSingleton(provider => KafkaClientConfigs.CreateProducer(
            provider.GetRequiredService<IOptions<KafkaOptions>>().Value, provider.GetRequiredService<ILoggerFactory>().CreateLogger("StreamRec.Kafka.Producer")));
        services.AddSingleton<RunOutcome>();
        services.AddSingleton(provider =>
        {
            var scorer = provider.GetRequiredService<IScorer>();
            var onnx = scorer as Ranking.Serving.OnnxScorer;
            var observability = new PipelineObservability(
                provider.GetRequiredService<IOptions<OnlineEvaluationOptions>>().Value, () => onnx?.Manifest.ModelVersion ?? scorer.Name);
            if (onnx is not null)
            {
                onnx.ModelSwapped += (_, _) => observability.Sources.AddModelSwap();
            }

            return observability;
        });
        services.AddHostedService<HttpHostService>();
        services.AddHostedService<KafkaPipelineService>();
    }
}

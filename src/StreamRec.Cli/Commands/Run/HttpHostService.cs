using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Options;
using StreamRec.Web;

namespace StreamRec.Cli.Commands.Run;

/// <summary>Serves health, Prometheus metrics and the dashboard for as long as the host runs.</summary>
internal sealed class HttpHostService(IOptions<HttpOptions> http, IOptions<KafkaOptions> kafka, PipelineObservability observability) : IHostedService
{
    private StreamRecHttpServer? _server;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _server = await StreamRecHttpServer.StartAsync(http.Value, observability, kafka.Value.InstanceId, TimeSpan.FromSeconds(1), cancellationToken);
        await System.Console.Error.WriteLineAsync($"run: dashboard {_server.Address} (health /livez /readyz, Prometheus /metrics)");
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}

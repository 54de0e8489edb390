using System.Net;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Metrics;
using StreamRec.Kafka.Hosting;
using StreamRec.Kafka.Metrics;
using StreamRec.Pipeline.Metrics;

namespace StreamRec.Web;

/// <summary>
/// Kestrel serving, from one address: <c>/livez</c> and <c>/readyz</c> (ASP.NET Core health checks, Kubernetes'
/// paths), <c>/metrics</c> (OpenTelemetry's Prometheus exporter over the StreamRec meter), the dashboard at
/// <c>/</c> with its snapshots over server-sent events (<c>/events</c>), and the user view (<c>/api/users/{id}</c>).
/// </summary>
public sealed class StreamRecHttpServer : IAsyncDisposable
{
    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(5);

    private readonly WebApplication _app;

    private StreamRecHttpServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:8080/</c> (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <param name="options">Where to listen.</param>
    /// <param name="observability">The job's instruments, readiness and queries.</param>
    /// <param name="instanceId">Instance name in snapshots.</param>
    /// <param name="pushInterval">How often the dashboard receives a snapshot.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <exception cref="IOException">The address is in use (Kestrel's message names it).</exception>
    public static async Task<StreamRecHttpServer> StartAsync(
        HttpOptions options, PipelineObservability observability, string instanceId, TimeSpan pushInterval, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(observability);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "StreamRec.Web" });
        builder.Logging.ClearProviders().AddSimpleConsole(console => console.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.Address), options.Port));
        builder.Services.AddHealthChecks()
            .AddCheck("stream", () => observability.Readiness.Stopped ? HealthCheckResult.Unhealthy("the stream has stopped") : HealthCheckResult.Healthy(), ["live"])
            .AddCheck("pipeline", () => observability.Readiness.Problems() is { Count: > 0 } problems
                ? HealthCheckResult.Unhealthy(string.Join("; ", problems))
                : HealthCheckResult.Healthy("broker reachable, partitions assigned, state restored, model loaded"), ["ready"]);
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(InstrumentNames.Meter)
            .AddPrometheusExporter());

        var app = builder.Build();
        app.MapHealthChecks("/livez", Checks("live"));
        app.MapHealthChecks("/readyz", Checks("ready"));
        app.MapPrometheusScrapingEndpoint("/metrics");
        app.MapGet("/", () => Asset("index.html", "text/html; charset=utf-8"));
        app.MapGet("/dashboard.js", () => Asset("dashboard.js", "text/javascript; charset=utf-8"));
        app.MapGet("/dashboard.css", () => Asset("dashboard.css", "text/css; charset=utf-8"));
        app.MapGet("/api/snapshot", () => Results.Json(new MetricsSnapshots(instanceId, observability).Next(DateTimeOffset.UtcNow), WebJson.Default.MetricsSnapshot));
        app.MapGet("/api/users", () => Results.Json(new UserSuggestion(observability.RecentDeltas.LatestUser()), WebJson.Default.UserSuggestion));
        app.MapGet("/api/users/{id}", (string id, CancellationToken ct) => UserAsync(observability, id, ct));
        app.MapGet("/events", (HttpContext context) => StreamAsync(context, observability, instanceId, pushInterval, app.Lifetime.ApplicationStopping));

        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StreamRecHttpServer(app, new Uri(bound.EndsWith('/') ? bound : bound + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        using (var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(stopping.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static HealthCheckOptions Checks(string tag) => new()
    {
        Predicate = check => check.Tags.Contains(tag),
        ResultStatusCodes = { [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable },
        ResponseWriter = async (context, report) =>
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            var lines = report.Entries.Select(entry => $"{entry.Key}: {entry.Value.Status}{(entry.Value.Description is { } d ? " (" + d + ")" : string.Empty)}");
            await context.Response.WriteAsync($"{report.Status}\n{string.Join('\n', lines)}\n").ConfigureAwait(false);
        },
    };

    private static async Task<IResult> UserAsync(PipelineObservability observability, string id, CancellationToken cancellationToken)
    {
        if (observability.Queries is not { } queries)
        {
            return Results.Problem("The pipeline is not running yet.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            var explanation = await queries.ExplainAsync(id, QueryTimeout, cancellationToken).ConfigureAwait(false);
            var view = new UserView(id, explanation, observability.RecentDeltas.Of(id, 10));
            return explanation is null && view.RecentDeltas.Count == 0
                ? Results.Json(view, WebJson.Default.UserView, statusCode: StatusCodes.Status404NotFound)
                : Results.Json(view, WebJson.Default.UserView);
        }
        catch (TimeoutException)
        {
            return Results.Problem($"No tick closed within {QueryTimeout.TotalSeconds:0} s to answer; the stream is stalled or stopping.",
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    /// <summary>Server-sent events: one snapshot per interval, windows since this connection's previous one.</summary>
    private static async Task StreamAsync(HttpContext context, PipelineObservability observability, string instanceId, TimeSpan interval, CancellationToken stopping)
    {
        using var both = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, stopping);
        var cancellationToken = both.Token;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        var snapshots = new MetricsSnapshots(instanceId, observability);
        using var timer = new PeriodicTimer(interval);
        try
        {
            do
            {
                var json = JsonSerializer.Serialize(snapshots.Next(DateTimeOffset.UtcNow), WebJson.Default.MetricsSnapshot);
                await context.Response.WriteAsync($"event: snapshot\ndata: {json}\n\n", cancellationToken).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The browser went away or the server stops: the stream simply ends.
        }
    }

    private static IResult Asset(string name, string contentType)
    {
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("wwwroot/" + name)
            ?? throw new InvalidOperationException($"Dashboard asset '{name}' is not embedded in the build.");
        return Results.Stream(stream, contentType);
    }
}

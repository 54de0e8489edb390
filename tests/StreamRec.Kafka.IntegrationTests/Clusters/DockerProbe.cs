using System.Net;
using System.Net.Sockets;
using System.Text;

namespace StreamRec.Kafka.IntegrationTests.Clusters;

/// <summary>Finds out whether a Docker engine answers here: its socket (or <c>DOCKER_HOST</c>) and a <c>/_ping</c>.</summary>
internal static class DockerProbe
{
    private static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(3);

    /// <summary>Null when the engine answered the ping, otherwise why not.</summary>
    public static async Task<string?> WhyUnavailableAsync()
    {
        var host = Environment.GetEnvironmentVariable("DOCKER_HOST");
        EndPoint endPoint;
        if (string.IsNullOrEmpty(host) || host.StartsWith("unix://", StringComparison.Ordinal))
        {
            var path = string.IsNullOrEmpty(host) ? "/var/run/docker.sock" : host["unix://".Length..];
            if (!File.Exists(path))
            {
                return $"No Docker engine: DOCKER_HOST is {(string.IsNullOrEmpty(host) ? "unset" : $"'{host}'")} and there is no socket at {path}.";
            }

            endPoint = new UnixDomainSocketEndPoint(path);
        }
        else if (Uri.TryCreate(host, UriKind.Absolute, out var uri) && uri.Scheme == "tcp")
        {
            endPoint = new DnsEndPoint(uri.Host, uri.Port);
        }
        else
        {
            return $"DOCKER_HOST '{host}' is neither unix:// nor tcp://; only those are probed.";
        }

        try
        {
            using var timeout = new CancellationTokenSource(PingTimeout);
            using var socket = endPoint is UnixDomainSocketEndPoint
                ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
                : new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(endPoint, timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"), timeout.Token);
            var buffer = new byte[512];
            var read = await socket.ReceiveAsync(buffer, timeout.Token);
            var answer = Encoding.ASCII.GetString(buffer, 0, read);
            return answer.StartsWith("HTTP/1.", StringComparison.Ordinal) && answer.Contains(" 200 ", StringComparison.Ordinal)
                ? null
                : $"The Docker engine at {endPoint} did not answer /_ping with 200: '{answer.Split('\n')[0].Trim()}'.";
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or IOException)
        {
            return $"The Docker engine at {endPoint} did not answer a ping within {PingTimeout.TotalSeconds} s: {ex.Message}";
        }
    }
}

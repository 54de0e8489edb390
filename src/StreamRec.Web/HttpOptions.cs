using System.Net;

namespace StreamRec.Web;

/// <summary>Where the HTTP endpoints listen (configuration section <c>Http</c>; <c>STREAMREC_Http__Port</c>).</summary>
public sealed record HttpOptions
{
    /// <summary>Address to bind; loopback by default, so nothing is exposed unless asked for.</summary>
    public string Address { get; init; } = "127.0.0.1";

    /// <summary>Port; 0 takes any free port (tests).</summary>
    public int Port { get; init; } = 8080;

    public HttpOptions Validate()
    {
        if (!IPAddress.TryParse(Address, out _))
        {
            throw new ArgumentException($"Http:Address must be an IP address, got '{Address}'.");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"Http:Port must be in [0, 65535], got {Port}.");
        }

        return this;
    }
}

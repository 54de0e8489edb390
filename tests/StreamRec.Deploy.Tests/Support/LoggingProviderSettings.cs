using Microsoft.Extensions.Logging;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>The filter part of a logging provider's section (<c>Logging:Console</c>).</summary>
internal sealed record LoggingProviderSettings
{
    public IReadOnlyDictionary<string, LogLevel> LogLevel { get; init; } = new Dictionary<string, LogLevel>();
}

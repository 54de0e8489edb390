using Microsoft.Extensions.Logging;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>
/// What the <c>Logging</c> section means to <c>run</c>, which has no options record of its own for it: the logging
/// filters read <c>Logging:LogLevel:{category}</c> and, for the console provider it adds, <c>Logging:Console:LogLevel:{category}</c>.
/// </summary>
internal sealed record LoggingSettings
{
    public IReadOnlyDictionary<string, LogLevel> LogLevel { get; init; } = new Dictionary<string, LogLevel>();

    public LoggingProviderSettings Console { get; init; } = new();
}

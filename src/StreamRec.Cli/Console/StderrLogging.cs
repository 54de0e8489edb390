using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace StreamRec.Cli.Console;

/// <summary>Logging for the commands: one line per message on stderr, so stdout keeps only the machine-readable result.</summary>
internal static class StderrLogging
{
    public static ILoggerFactory Create(LogLevel minimum = LogLevel.Information) => LoggerFactory.Create(builder => builder
        .SetMinimumLevel(minimum)
        .AddSimpleConsole(options =>
        {
            options.SingleLine = true;
            options.TimestampFormat = "HH:mm:ss ";
        })
        .AddConsole(options => options.LogToStandardErrorThreshold = LogLevel.Trace));
}

using System.Diagnostics;
using System.Text.Json;

namespace StreamRec.Cli.Commands.Bench;

/// <summary>
/// A whole <c>streamrec replay</c> in a child process, as a user runs it, so that its peak RSS, allocations
/// and state size are its own; the figures come from the replay's JSON summary.
/// </summary>
internal static class ReplayMeasurement
{
    public static async Task<JsonElement> RunAsync(string log, string scorer, int partitions, bool measureState, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ReplayMeasurement).Assembly.Location);
        }

        foreach (var argument in new[] { "replay", "--input", log, "--out", "/dev/null", "--scorer", scorer, "--partitions", partitions.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        if (measureState)
        {
            start.ArgumentList.Add("--measure-state");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the replay process.");
        await using var kill = cancellationToken.Register(() => process.Kill(entireProcessTree: true));
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            var error = await stderr.ConfigureAwait(false);
            throw new InvalidOperationException($"replay --scorer {scorer} exited {process.ExitCode}: {error.Trim().Split('\n')[^1]}");
        }

        using var summary = JsonDocument.Parse(output.TrimEnd().Split('\n')[^1]);
        return summary.RootElement.Clone();
    }
}

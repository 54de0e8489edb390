using System.Diagnostics;

namespace StreamRec.Kafka.Tests.Embedded;

/// <summary>Runs the kcat command-line client, an independent librdkafka build (Debian package <c>kcat</c>).</summary>
internal static class Kcat
{
    public const string MissingReason = "kcat is not on PATH; install the Debian package 'kcat' (apt-get install -y kcat) to run this test.";

    /// <summary>The kcat executable found on PATH, or null.</summary>
    public static string? Path { get; } = Environment.GetEnvironmentVariable("PATH")?
        .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => System.IO.Path.Combine(directory, "kcat"))
        .FirstOrDefault(File.Exists);

    /// <summary>Runs kcat to completion, feeding <paramref name="standardInput"/>; returns its standard output.</summary>
    /// <exception cref="InvalidOperationException">kcat exited with a non-zero code.</exception>
    public static async Task<string> RunAsync(IEnumerable<string> arguments, string standardInput, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(Path ?? throw new InvalidOperationException(MissingReason))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("kcat did not start.");
        try
        {
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.StandardInput.WriteAsync(standardInput.AsMemory(), cancellationToken);
            process.StandardInput.Close();
            await process.WaitForExitAsync(cancellationToken);
            return process.ExitCode == 0
                ? await output
                : throw new InvalidOperationException($"kcat {string.Join(' ', startInfo.ArgumentList)} exited with {process.ExitCode}: {await error}");
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}

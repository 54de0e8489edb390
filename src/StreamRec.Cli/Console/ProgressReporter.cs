using Spectre.Console;

namespace StreamRec.Cli.Console;

/// <summary>
/// Shows progress of long work: a Spectre.Console bar when stderr is a terminal, otherwise a plain line
/// every few seconds on stderr. Never writes to stdout, which carries the machine-readable result.
/// </summary>
internal static class ProgressReporter
{
    private static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="work"/> while polling <paramref name="poll"/> for (fraction done, status line).</summary>
    public static async Task<T> RunAsync<T>(string title, Func<(double Fraction, string Status)> poll, Task<T> work)
    {
        if (System.Console.IsErrorRedirected)
        {
            while (await Task.WhenAny(work, Task.Delay(PlainInterval)) != work)
            {
                var (fraction, status) = poll();
                await System.Console.Error.WriteLineAsync($"{title}: {fraction:P0} {status}");
            }

            return await work;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(System.Console.Error) });
        await console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: 1.0);
                while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(200))) != work)
                {
                    var (fraction, status) = poll();
                    task.Value = fraction;
                    task.Description = $"{title} {status}";
                }

                task.Value = 1.0;
            });
        return await work;
    }
}

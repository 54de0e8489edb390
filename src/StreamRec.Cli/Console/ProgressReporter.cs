using Spectre.Console;

namespace StreamRec.Cli.Console;

/// <summary>
/// Shows progress of long work: a Spectre.Console bar when stderr is a terminal, otherwise a plain line
/// every few seconds on stderr. Never writes to stdout, which carries the machine-readable result.
/// </summary>
internal static class ProgressReporter
{
    internal static readonly TimeSpan PlainInterval = TimeSpan.FromSeconds(5);

    /// <summary>Runs <paramref name="work"/> while polling <paramref name="poll"/> for (fraction done, status line).</summary>
    public static async Task<T> RunAsync<T>(string title, Func<(double Fraction, string Status)> poll, Task<T> work)
    {
        if (System.Console.IsErrorRedirected)
        {
            return await RunPlainAsync(title, poll, work, System.Console.Error, TimeProvider.System);
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

                if (work.IsCompletedSuccessfully)
                {
                    task.Description = $"{title} {poll().Status}";
                }

                task.Value = 1.0;
            });
        return await work;
    }

    /// <summary>
    /// A line every <see cref="PlainInterval"/>, and, when any was written, a last one once the work has succeeded: the
    /// work's final flush (the end of input's re-ranks) comes after the last periodic line, so without it the last
    /// figures shown would be short of the result's.
    /// </summary>
    internal static async Task<T> RunPlainAsync<T>(string title, Func<(double Fraction, string Status)> poll, Task<T> work, TextWriter output, TimeProvider time)
    {
        var printed = false;
        while (await Task.WhenAny(work, Task.Delay(PlainInterval, time)) != work)
        {
            await output.WriteLineAsync(Line(title, poll()));
            printed = true;
        }

        var result = await work;
        if (printed)
        {
            await output.WriteLineAsync(Line(title, poll()));
        }

        return result;
    }

    private static string Line(string title, (double Fraction, string Status) progress) => $"{title}: {progress.Fraction:P0} {progress.Status}";
}

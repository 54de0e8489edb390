using System.Diagnostics;
using System.Text;

namespace StreamRec.IntegrationTests.Support;

/// <summary>
/// The streamrec program as a child process, so a test can SIGKILL it. Its stderr is collected line by line, so a
/// test can act on a log line the moment it is written instead of waiting a guessed time.
/// </summary>
internal sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly StringBuilder _stderr = new();
    private readonly List<(string Text, TaskCompletionSource Seen)> _awaited = [];
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CliProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        process.ErrorDataReceived += (_, e) => OnStderr(e.Data);
        process.BeginErrorReadLine();
    }

    public static CliProcess Start(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "streamrec.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new CliProcess(Process.Start(start)!);
    }

    public Task Exited => _process.WaitForExitAsync();

    /// <summary>Completes when a stderr line contains <paramref name="text"/>; never, if the process ends first.</summary>
    public Task LineContaining(string text)
    {
        lock (_stderr)
        {
            var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_stderr.ToString().Contains(text, StringComparison.Ordinal))
            {
                seen.SetResult();
            }

            _awaited.Add((text, seen));
            return seen.Task;
        }
    }

    public async Task<(int Exit, string Stdout, string Stderr)> WaitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        await _stderrClosed.Task.WaitAsync(timeout);
        lock (_stderr)
        {
            return (_process.ExitCode, _stdout.Result, _stderr.ToString());
        }
    }

    /// <summary>SIGKILLs the process once <paramref name="trigger"/> completes; false when the process ended first.</summary>
    public async Task<bool> KillWhenAsync(Task trigger, TimeSpan timeout)
    {
        var exited = _process.WaitForExitAsync();
        if (await Task.WhenAny(trigger, exited).WaitAsync(timeout) == exited)
        {
            return false;
        }

        _process.Kill(entireProcessTree: true);
        await exited.WaitAsync(timeout);
        return true;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void OnStderr(string? line)
    {
        if (line is null)
        {
            _stderrClosed.TrySetResult();
            return;
        }

        lock (_stderr)
        {
            _stderr.AppendLine(line);
            foreach (var (text, seen) in _awaited)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    seen.TrySetResult();
                }
            }
        }
    }
}

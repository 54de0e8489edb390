using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using StreamRec.Cli.Console;

namespace StreamRec.IntegrationTests;

public sealed class ProgressReporterTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RunPlain_WorkFlushesMoreAfterTheLastPeriodicLine_EndsWithALineOfTheFinalFigures()
    {
        var time = new FakeTimeProvider();
        var output = new LineRecorder();
        var work = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var deltas = 117_293L;
        var run = ProgressReporter.RunPlainAsync("replay", () => (0.99, string.Create(CultureInfo.InvariantCulture, $"{Volatile.Read(ref deltas):N0} deltas")), work.Task, output, time);

        time.Advance(ProgressReporter.PlainInterval);
        await output.FirstLine.WaitAsync(Timeout);

        // The end of input's flush: more deltas, then the result, before the next periodic line was due.
        Volatile.Write(ref deltas, 118_094);
        work.SetResult(118_094);

        Assert.Equal(118_094, await run.WaitAsync(Timeout));
        Assert.Equal(2, output.Lines.Count);
        Assert.EndsWith(" 117,293 deltas", output.Lines[0], StringComparison.Ordinal);
        Assert.EndsWith(" 118,094 deltas", output.Lines[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunPlain_WorkDoneBeforeTheFirstInterval_WritesNoLine()
    {
        var output = new LineRecorder();

        var result = await ProgressReporter.RunPlainAsync("replay", () => (1.0, "done"), Task.FromResult(7), output, new FakeTimeProvider()).WaitAsync(Timeout);

        Assert.Equal(7, result);
        Assert.Empty(output.Lines);
    }

    private sealed class LineRecorder : StringWriter
    {
        private readonly TaskCompletionSource _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<string> Lines { get; } = [];

        public Task FirstLine => _first.Task;

        public override Task WriteLineAsync(string? value)
        {
            lock (Lines)
            {
                Lines.Add(value ?? "");
            }

            _first.TrySetResult();
            return Task.CompletedTask;
        }
    }
}

using Microsoft.Extensions.Logging;

namespace StreamRec.Ranking.Tests.Serving;

/// <summary>A logger that completes a task each time a message with a given event id is logged: how a test waits for a background pass.</summary>
internal sealed class LogSignal<T>(int id) : ILogger<T>
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes at the next such message logged after this call.</summary>
    public Task Next()
    {
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _next, next);
        return next.Task;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Id == id)
        {
            Volatile.Read(ref _next).TrySetResult();
        }
    }
}

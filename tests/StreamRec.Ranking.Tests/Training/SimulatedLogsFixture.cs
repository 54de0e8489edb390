namespace StreamRec.Ranking.Tests.Training;

/// <summary>A small simulated log to train on and one of another seed to evaluate on, written once per test class.</summary>
public sealed class SimulatedLogsFixture : IDisposable
{
    private readonly TempDirectory _directory = new();

    public SimulatedLogsFixture()
    {
        TrainingLog = EventLog.Simulate(_directory.File("train.jsonl"), users: 800, rooms: 40, TimeSpan.FromHours(1), seed: 21);
        EvaluationLog = EventLog.Simulate(_directory.File("eval.jsonl"), users: 800, rooms: 40, TimeSpan.FromHours(1), seed: 22);
    }

    public string TrainingLog { get; }

    public string EvaluationLog { get; }

    public void Dispose() => _directory.Dispose();
}

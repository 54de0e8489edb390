using StreamRec.Kafka.Hosting;

namespace StreamRec.Cli.Commands.Run;

/// <summary>How the hosted pipeline ended, for the command's exit code and summary line.</summary>
internal sealed class RunOutcome
{
    public KafkaRunSummary? Summary { get; set; }

    /// <summary>Why the pipeline failed, or null.</summary>
    public Exception? Failure { get; set; }

    /// <summary>Set once the pipeline has finished its shutdown; a host that gave up waiting leaves it false.</summary>
    public bool Completed { get; set; }
}

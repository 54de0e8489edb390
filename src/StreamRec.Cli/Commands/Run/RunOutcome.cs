using StreamRec.Kafka.Hosting;

namespace StreamRec.Cli.Commands.Run;

/// <summary>How the hosted pipeline ended, for the command's exit code and summary line.</summary>
internal sealed class RunOutcome
{
    public KafkaRunSummary? Summary { get; set; }

    public bool Failed { get; set; }
}

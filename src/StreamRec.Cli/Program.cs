using System.CommandLine;
using StreamRec.Cli.Commands;

var root = new RootCommand("StreamRec: real-time recommendations for live-commerce rooms.")
{
    StreamRec.Cli.Commands.Demo.DemoCommand.Create(),
    StreamRec.Cli.Commands.Demo.TrafficCommand.Create(),
    SimulateCommand.Create(),
    ReplayCommand.Create(),
    TrainCommand.Create(),
    EvaluateCommand.Create(),
    BrokerCommand.Create(),
    ProduceCommand.Create(),
    RunCommand.Create(),
    StreamRec.Cli.Commands.Bench.BenchCommand.Create(),
};

// Ctrl+C / SIGTERM cancel the command's token, and System.CommandLine ends the process if the command has not
// finished within the timeout. `run` leaves the signals to its Generic Host instead, which drains within
// Kafka:ShutdownTimeout (configurable, so no fixed cap here) and reports its own exit code.
var parsed = root.Parse(args);
var hosted = parsed.CommandResult.Command.Name == "run";
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = hosted ? null : TimeSpan.FromSeconds(40) });

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

// Ctrl+C / SIGTERM cancel the command's token; `run` then drains and commits, which may take longer than
// System.CommandLine's default 2 s before it forces the process down.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(40) });

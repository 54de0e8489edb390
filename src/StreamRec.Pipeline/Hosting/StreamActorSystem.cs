using Akka.Actor;
using Akka.Configuration;

namespace StreamRec.Pipeline.Hosting;

/// <summary>The actor system a pipeline job runs its stream in, configured once for every job.</summary>
public static class StreamActorSystem
{
    // Akka logs through its own console logger; our jobs report through their own logging and
    // summaries, so only warnings and errors from Akka itself are worth a line.
    private static readonly Config Quiet = ConfigurationFactory.ParseString("""
        akka.loglevel = WARNING
        akka.stdout-loglevel = WARNING
        akka.log-dead-letters = off
        akka.log-dead-letters-during-shutdown = off
        """);

    public static ActorSystem Create(string name) => ActorSystem.Create(name, Quiet);
}

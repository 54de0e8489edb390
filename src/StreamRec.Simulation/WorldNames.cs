namespace StreamRec.Simulation;

/// <summary>The ids of the simulated world as they appear in the log.</summary>
internal static class WorldNames
{
    public static string Room(int room) => $"room-{room:D5}";

    public static string Streamer(int streamer) => $"streamer-{streamer:D5}";

    public static string Viewer(int viewer) => $"user-{viewer:D6}";

    public static string Event(long number) => $"evt-{number:D9}";

    public static string Item(int room, int item) => $"{Room(room)}-item-{item}";

    public static string Title(string category, int session) => $"{category} live #{session}";
}

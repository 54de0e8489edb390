namespace StreamRec.Simulation;

/// <summary>What a simulation wrote: how many events, and the most rooms that were live at once.</summary>
public sealed record SimulationSummary(long Events, int PeakLiveRooms);

using StreamRec.Pipeline.Durability;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.State;

public sealed class CoEngagementTableTests
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    [Fact]
    public void Add_ManyNeighbours_ListNeverHoldsMoreThanTheBoundAndKeepsTheStrongest()
    {
        var table = new CoEngagementTable(4, Day);

        // Neighbour n gets weight n: the four strongest (6..9) must be what stays, whatever the order of arrival.
        foreach (var n in new[] { 3, 9, 1, 7, 5, 2, 8, 6, 4, 0 })
        {
            table.Add(100, n + 1, n + 1, Ev.T0);
            Assert.True(table.Find(100)!.Count <= 4);
        }

        var list = table.Find(100)!;
        Assert.Equal([7, 8, 9, 10], list.Entries.ToArray().Select(e => e.Streamer).Order());
    }

    [Fact]
    public void Add_NewcomerWeakerThanTheWeakestOfAFullList_IsKeptOut()
    {
        var table = new CoEngagementTable(2, Day);
        table.Add(1, 2, 5, Ev.T0);
        table.Add(1, 3, 4, Ev.T0);

        table.Add(1, 4, 3, Ev.T0);

        Assert.Equal([2, 3], table.Find(1)!.Entries.ToArray().Select(e => e.Streamer).Order());
        Assert.Equal(12, table.Find(1)!.Mass, 12);
    }

    [Fact]
    public void Add_NewcomerStrongerThanTheWeakestDecayedToNow_ReplacesIt()
    {
        var table = new CoEngagementTable(2, Day);
        table.Add(1, 2, 8, Ev.T0);
        table.Add(1, 3, 1, Ev.T0 + (long)Day.TotalMilliseconds);

        // Two days after the first: neighbour 2 is worth 8 / 4 = 2, neighbour 3 is worth 0.5; 1.0 beats 0.5.
        table.Add(1, 4, 1, Ev.T0 + (2 * (long)Day.TotalMilliseconds));

        var weights = table.Find(1)!.Entries.ToArray().ToDictionary(e => e.Streamer, e => e.Weight);
        Assert.Equal([2, 4], weights.Keys.Order());
        Assert.Equal(2.0, weights[2], 12);
        Assert.Equal(1.0, weights[4], 12);
    }

    [Fact]
    public void Add_NewcomerAsStrongAsTheWeakest_TheLowerStreamerIdStays()
    {
        var keepsLow = new CoEngagementTable(1, Day);
        keepsLow.Add(1, 5, 2, Ev.T0);
        keepsLow.Add(1, 6, 2, Ev.T0);
        var takesLow = new CoEngagementTable(1, Day);
        takesLow.Add(1, 6, 2, Ev.T0);
        takesLow.Add(1, 5, 2, Ev.T0);

        Assert.Equal(5, keepsLow.Find(1)!.Entries[0].Streamer);
        Assert.Equal(5, takesLow.Find(1)!.Entries[0].Streamer);
    }

    [Fact]
    public void Add_LaterUpdate_DecaysTheWholeListAndItsMassByTheHalfLife()
    {
        var table = new CoEngagementTable(4, TimeSpan.FromHours(1));
        table.Add(1, 2, 8, Ev.T0);
        table.Add(1, 3, 4, Ev.T0);

        table.Add(1, 2, 1, Ev.T0 + (2 * 3_600_000));

        var list = table.Find(1)!;
        var weights = list.Entries.ToArray().ToDictionary(e => e.Streamer, e => e.Weight);
        Assert.Equal(Ev.T0 + (2 * 3_600_000), list.Ts);
        Assert.Equal(3.0, weights[2], 12);
        Assert.Equal(1.0, weights[3], 12);
        Assert.Equal(4.0, list.Mass, 12);
    }

    [Fact]
    public void Add_OlderThanTheList_IsDecayedToTheListsTime()
    {
        var table = new CoEngagementTable(4, TimeSpan.FromHours(1));
        table.Add(1, 2, 1, Ev.T0 + 3_600_000);

        table.Add(1, 3, 4, Ev.T0);

        var list = table.Find(1)!;
        Assert.Equal(Ev.T0 + 3_600_000, list.Ts);
        Assert.Equal(2.0, list.Entries.ToArray().Single(e => e.Streamer == 3).Weight, 12);
    }

    [Fact]
    public void Add_StreamerToItself_IsIgnored()
    {
        var table = new CoEngagementTable(4, Day);

        table.Add(1, 1, 3, Ev.T0);

        Assert.Null(table.Find(1));
    }

    [Fact]
    public void SaveLoad_Table_RestoresEveryListExactly()
    {
        var table = new CoEngagementTable(3, TimeSpan.FromHours(5));
        for (var i = 0; i < 40; i++)
        {
            table.Add(i % 7, (i * 5) % 11, 0.1 + (i / 3.0), Ev.T0 + (i * 123_457));
        }

        var first = Save(table);
        var restored = new CoEngagementTable(3, TimeSpan.FromHours(5));
        restored.Load(new SnapshotReader(first));

        Assert.Equal(first, Save(restored));
        Assert.Equal(table.Count, restored.Count);
        Assert.Equal(table.Find(4)!.Entries.ToArray(), restored.Find(4)!.Entries.ToArray());
    }

    [Fact]
    public void Load_WrittenWithAnotherBound_ThrowsNamingTheSetting()
    {
        var table = new CoEngagementTable(3, Day);
        table.Add(1, 2, 1, Ev.T0);

        var ex = Assert.Throws<InvalidDataException>(() => new CoEngagementTable(4, Day).Load(new SnapshotReader(Save(table))));

        Assert.Contains("Neighbours 3 (configured: 4)", ex.Message, StringComparison.Ordinal);
    }

    private static byte[] Save(CoEngagementTable table)
    {
        var w = new SnapshotWriter();
        table.Save(w);
        return w.Written.ToArray();
    }
}

using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Retrieval;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Retrieval;

public sealed class CandidateRetrievalTests
{
    private static readonly string[] Categories = ["beauty", "books", "toys", "food", "pets", "home", "sports", "jewelry"];

    private readonly CoreHarness _h = new(new PipelineOptions
    {
        Partitions = 1,
        Retrieval = new RetrievalLimits { MaxCandidates = 64, Categories = 2, PerCategory = 10, Trending = 10, Fresh = 5, FreshWindow = TimeSpan.FromMinutes(10) },
    });

    public CandidateRetrievalTests()
    {
        // 800 live rooms in 8 categories, popularity rising with the room number within each category.
        var starts = Enumerable.Range(0, 800).Select(i => Ev.Start(Ev.T0, $"r{i:D3}", Categories[i % 8])).ToList();
        _h.Run(Ev.Batch(_h.State, [.. starts]));
        var clicks = Enumerable.Range(0, 800).SelectMany(i => Enumerable.Range(0, 1 + (i / 80)).Select(n => Ev.Click(Ev.T0 + 1 + n, $"fan-{i}-{n}", $"r{i:D3}"))).ToArray();
        _h.Run(Ev.Batch(_h.State, clicks));
        _h.Tick(Ev.T0 + 30 * 60_000);
    }

    [Fact]
    public void Collect_ManyLiveRooms_CandidatesAreBoundedWhateverIsLive()
    {
        var candidates = Collect(Ev.T0 + (30 * 60_000), "newcomer", []);

        Assert.True(candidates.Count <= 64, $"{candidates.Count} candidates");
        Assert.Equal(candidates.Count, candidates.Distinct().Count());
    }

    [Fact]
    public void Collect_UserWithAFavourite_TheFavouritesLiveRoomIsACandidateEvenWhenUnpopular()
    {
        var now = Ev.T0 + (30 * 60_000) + 10;
        _h.Run(Ev.Batch(_h.State, Ev.Click(now - 5, "loyal", "r001"), Ev.Click(now - 4, "loyal", "r001")));
        _h.Tick(now);

        var candidates = Collect(now, "loyal", []);

        Assert.Contains("r001", candidates);
    }

    [Fact]
    public void Collect_UserInterestedInACategory_ItsMostPopularLiveRoomsAreCandidates()
    {
        var now = Ev.T0 + (30 * 60_000) + 10;
        _h.Run(Ev.Batch(_h.State, Ev.Click(now - 5, "reader", "r001")));
        _h.Tick(now);

        var candidates = Collect(now, "reader", []);

        // r001 is a "books" room; the most popular books rooms are the highest numbers i with i % 8 == 1.
        var popularBooks = Enumerable.Range(0, 800).Where(i => i % 8 == 1).OrderByDescending(i => i).Take(5).Select(i => $"r{i:D3}");
        Assert.All(popularBooks, room => Assert.Contains(room, candidates));
    }

    [Fact]
    public void Collect_RoomStartedMinutesAgo_IsACandidateForAnyone()
    {
        var now = Ev.T0 + (30 * 60_000) + 10;
        _h.Run(Ev.Batch(_h.State, Ev.Start(now - 1_000, "brand-new", "pets")));
        _h.Tick(now);

        var candidates = Collect(now, "newcomer", []);

        Assert.Contains("brand-new", candidates);
    }

    [Fact]
    public void Collect_StoppedRoom_IsNeverACandidate()
    {
        // r799 is one of the ten most popular "jewelry" rooms, so a jewelry fan gets it until it stops.
        var now = Ev.T0 + (30 * 60_000) + 10;
        _h.Run(Ev.Batch(_h.State, Ev.Click(now - 5, "jeweller", "r007")));
        _h.Tick(now);
        Assert.Contains("r799", Collect(now, "jeweller", []));

        _h.Run(Ev.Batch(_h.State, Ev.Stop(now + 1_000, "r799")));
        _h.Tick(now + 1_000);

        Assert.DoesNotContain("r799", Collect(now + 1_000, "jeweller", []));
    }

    private List<string> Collect(long now, string userName, List<int> into)
    {
        var id = _h.State.Ids.Users.Find(userName);
        var user = id >= 0 ? _h.PartitionOf(userName).Users.Peek(id)! : new UserState(_h.Options.VectorDimensions, _h.Options.MaxAffinities, _h.Options.TopK);
        var features = new FeatureExtractor(_h.Options, _h.State);
        var context = new UserContext(_h.Options.VectorDimensions);
        features.PrepareUser(user, now, context);
        new CandidateRetrieval(_h.Options, _h.State).Collect(user, context, now, into);
        return [.. into.Select(_h.State.Ids.Rooms.NameOf)];
    }
}

using StreamRec.Pipeline.Batches;
using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Options;
using StreamRec.Pipeline.Retrieval;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Retrieval;

/// <summary>The sources that must not be crowded out: the user's streamers and the session's categories.</summary>
public sealed class PriorityRetrievalTests
{
    private static readonly string[] Categories = ["beauty", "books", "toys", "food", "pets", "home", "sports", "jewelry"];
    private static readonly long Now = Ev.T0 + (30 * 60_000);

    private readonly CoreHarness _h = new(new PipelineOptions
    {
        Partitions = 1,
        MaxAffinities = 12,
        Retrieval = new RetrievalLimits { MaxCandidates = 10, Categories = 1, PerCategory = 10, ShortCategories = 1, ShortPerCategory = 5, Trending = 10, Fresh = 5 },
    });

    public PriorityRetrievalTests()
    {
        // 20 live rooms per category, popularity rising with the room number; one unpopular room of a favourite.
        var starts = Enumerable.Range(0, 160).Select(i => Ev.Start(Ev.T0, $"r{i:D3}", Categories[i % 8])).Append(Ev.Start(Ev.T0, "fav-room", "home", "s-fav")).ToList();
        _h.Run(Ev.Batch(_h.State, [.. starts]));
        var clicks = Enumerable.Range(0, 160).SelectMany(i => Enumerable.Range(0, 1 + (i / 16)).Select(n => Ev.Click(Ev.T0 + 1 + n, $"fan-{i}-{n}", $"r{i:D3}"))).ToArray();
        _h.Run(Ev.Batch(_h.State, clicks));
        _h.Tick(Now);
    }

    [Fact]
    public void Collect_HeldRoomsFillTheCandidateBound_TheFavouritesLiveRoomIsStillACandidate()
    {
        var user = NewUser();
        user.InterestTs = Now;
        user.Engage(_h.State.Ids.Streamers.Find("s-fav"), Now - 60_000, _h.Options.AffinityHalfLife, 3);
        user.SetRanked([.. Enumerable.Range(0, 14).Select(i => new ScoredRoom(_h.Room($"r{140 + i:D3}"), 1f - (i * 0.01f)))]);

        var candidates = Collect(user);

        Assert.Contains("fav-room", candidates);
        Assert.Equal("fav-room", candidates[0]);
        Assert.Equal(_h.Options.Retrieval.MaxCandidates, candidates.Count);
    }

    [Fact]
    public void Collect_MoreStreamersLiveThanTheBound_EveryStreamersRoomIsACandidate()
    {
        Assert.True(_h.Options.MaxAffinities > _h.Options.Retrieval.MaxCandidates);
        var user = NewUser();
        user.InterestTs = Now;
        for (var i = 0; i < _h.Options.MaxAffinities; i++)
        {
            user.Engage(_h.State.Ids.Streamers.Find($"s-r{i:D3}"), Now, _h.Options.AffinityHalfLife, 1 + i);
        }

        var candidates = Collect(user);

        Assert.All(Enumerable.Range(0, _h.Options.MaxAffinities), i => Assert.Contains($"r{i:D3}", candidates));
        Assert.Equal(candidates.Count, candidates.Distinct().Count());
    }

    [Fact]
    public void Collect_SessionInAnotherCategoryThanTheLongTermTaste_TheSessionCategorysTopRoomsAreCandidates()
    {
        var vectors = new RoomVectors(_h.Options, _h.State);
        var user = NewUser();
        user.InterestTs = Now;
        vectors.Category(_h.State.Ids.Categories.Find("beauty")).CopyTo(user.Interest);
        vectors.Category(_h.State.Ids.Categories.Find("pets")).CopyTo(user.ShortInterest);

        var candidates = Collect(user);

        // Pets rooms are i % 8 == 4; the most popular are the highest numbers (the 5th ties with the 6th).
        var popularPets = Enumerable.Range(0, 160).Where(i => i % 8 == 4).OrderByDescending(i => i).Take(4).Select(i => $"r{i:D3}");
        Assert.All(popularPets, room => Assert.Contains(room, candidates));
        Assert.All(candidates.Take(5), room => Assert.Equal(4, int.Parse(room[1..], System.Globalization.CultureInfo.InvariantCulture) % 8));
    }

    private List<string> Collect(UserState user)
    {
        var context = new UserContext(_h.Options.VectorDimensions);
        new FeatureExtractor(_h.Options, _h.State).PrepareUser(user, Now, context);
        var into = new List<int>();
        new CandidateRetrieval(_h.Options, _h.State).Collect(user, context, Now, into);
        return [.. into.Select(_h.State.Ids.Rooms.NameOf)];
    }

    private UserState NewUser() => new(_h.Options.VectorDimensions, _h.Options.MaxAffinities, _h.Options.TopK + _h.Options.RankedRunnersUp);
}

using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Steps;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class InterestUpdateTests
{
    private readonly CoreHarness _h = new();

    [Fact]
    public void Apply_ClickOnColdRoom_InterestPointsAtRoomCategory()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1", "beauty")));
        var user = NewUser();

        new InterestUpdate(_h.Options, _h.State).Apply(Ev.Record(_h.State, Ev.Click(Ev.T0 + 10, "u1", "r1")), user);

        var category = new RoomVectors(_h.Options, _h.State).Category(_h.State.Ids.Categories.Find("beauty"));
        Assert.Equal(1.0, Vectors.Cosine(user.Interest, category), 5);
    }

    [Fact]
    public void Apply_TwoClicksOneHalfLifeApart_OlderClickWeighsHalf()
    {
        var halfLife = (long)_h.Options.InterestHalfLife.TotalMilliseconds;
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "a", "beauty"), Ev.Start(Ev.T0, "b", "books")));
        var step = new InterestUpdate(_h.Options, _h.State);
        var user = NewUser();

        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0, "u1", "a")), user);
        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0 + halfLife, "u1", "b")), user);

        // Cold rooms: the room vector is the category vector, so u = 0.5 * c(beauty) + 1 * c(books).
        var vectors = new RoomVectors(_h.Options, _h.State);
        var beauty = vectors.Category(_h.State.Ids.Categories.Find("beauty")).ToArray();
        var books = vectors.Category(_h.State.Ids.Categories.Find("books")).ToArray();
        for (var i = 0; i < user.Interest.Length; i++)
        {
            Assert.Equal((0.5 * beauty[i]) + books[i], user.Interest[i], 5);
        }
    }

    [Fact]
    public void Apply_PurchaseOutweighsClick_InterestLeansToPurchasedCategory()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "a", "beauty"), Ev.Start(Ev.T0, "b", "books")));
        var step = new InterestUpdate(_h.Options, _h.State);
        var user = NewUser();

        step.Apply(Ev.Record(_h.State, Ev.Click(Ev.T0 + 1, "u1", "a")), user);
        step.Apply(Ev.Record(_h.State, Ev.Purchase(Ev.T0 + 2, "u1", "b")), user);

        var vectors = new RoomVectors(_h.Options, _h.State);
        Assert.True(
            Vectors.Cosine(user.Interest, vectors.Category(_h.State.Ids.Categories.Find("books")))
            > Vectors.Cosine(user.Interest, vectors.Category(_h.State.Ids.Categories.Find("beauty"))));
    }

    [Fact]
    public void Core_UserEventsInABatch_InterestIsStoredInTheUsersPartition()
    {
        _h.Run(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1", "beauty")));

        _h.Run(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 10, "u1", "r1")));

        var stored = _h.UserState("u1");
        Assert.NotNull(stored);
        Assert.Equal(Ev.T0 + 10, stored.InterestTs);
        Assert.True(Vectors.Dot(stored.Interest, stored.Interest) > 0.9);
    }

    private UserState NewUser() => new(_h.Options.VectorDimensions, _h.Options.MaxAffinities, _h.Options.TopK + _h.Options.RankedRunnersUp);
}

using StreamRec.Pipeline.Features;
using StreamRec.Pipeline.Numerics;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Steps;

public sealed class InterestUpdateTests
{
    private readonly StepHarness _h = new();

    [Fact]
    public void Apply_ClickOnColdRoom_InterestPointsAtRoomCategory()
    {
        _h.Registry.Apply(Ev.Batch(_h.State, Ev.Start(Ev.T0, "r1", "beauty")));

        _h.Interest.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 10, "u1", "r1")));

        var interest = _h.State.Users.Find(_h.User("u1"))!.Interest;
        var category = new RoomVectors(_h.Options, _h.State).Category(_h.State.Ids.Categories.Find("beauty"));
        Assert.Equal(1.0, Vectors.Cosine(interest, category), 5);
    }

    [Fact]
    public void Apply_TwoClicksOneHalfLifeApart_OlderClickWeighsHalf()
    {
        var halfLife = (long)_h.Options.InterestHalfLife.TotalMilliseconds;
        _h.Registry.Apply(Ev.Batch(_h.State, Ev.Start(Ev.T0, "a", "beauty"), Ev.Start(Ev.T0, "b", "books")));

        _h.Interest.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0, "u1", "a")));
        _h.Interest.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0 + halfLife, "u1", "b")));

        // Cold rooms: the room vector is the category vector, so u = 0.5 * c(beauty) + 1 * c(books).
        var vectors = new RoomVectors(_h.Options, _h.State);
        var beauty = vectors.Category(_h.State.Ids.Categories.Find("beauty")).ToArray();
        var books = vectors.Category(_h.State.Ids.Categories.Find("books")).ToArray();
        var interest = _h.State.Users.Find(_h.User("u1"))!.Interest;
        for (var i = 0; i < interest.Length; i++)
        {
            Assert.Equal((0.5 * beauty[i]) + books[i], interest[i], 5);
        }
    }

    [Fact]
    public void Apply_PurchaseOutweighsClick_InterestLeansToPurchasedCategory()
    {
        _h.Registry.Apply(Ev.Batch(_h.State, Ev.Start(Ev.T0, "a", "beauty"), Ev.Start(Ev.T0, "b", "books")));

        _h.Interest.Apply(Ev.Batch(_h.State, Ev.Click(Ev.T0 + 1, "u1", "a"), Ev.Purchase(Ev.T0 + 2, "u1", "b")));

        var vectors = new RoomVectors(_h.Options, _h.State);
        var interest = _h.State.Users.Find(_h.User("u1"))!.Interest;
        Assert.True(
            Vectors.Cosine(interest, vectors.Category(_h.State.Ids.Categories.Find("books")))
            > Vectors.Cosine(interest, vectors.Category(_h.State.Ids.Categories.Find("beauty"))));
    }
}

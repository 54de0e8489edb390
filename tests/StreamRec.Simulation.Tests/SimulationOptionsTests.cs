namespace StreamRec.Simulation.Tests;

public sealed class SimulationOptionsTests
{
    public static TheoryData<SimulationOptions> Invalid { get; } =
    [
        new() { SubGenres = 0 },
        new() { PriceLevels = 5 },
        new() { SubGenreAffinity = 0.5 },
        new() { PriceAffinity = 0 },
        new() { IntentPurchaseBoost = 0.9 },
        new() { DriftShare = 1.1 },
        new() { DriftHistoryScale = -0.1 },
        new() { SessionContinue = 1 },
        new() { SessionStay = 2 },
        new() { SessionGap = TimeSpan.Zero },
    ];

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Validate_KnobOutOfRange_Throws(SimulationOptions options)
    {
        Assert.Throws<ArgumentException>(() => options.Validate());
    }

    [Fact]
    public void Validate_Defaults_RealismOn()
    {
        var options = new SimulationOptions().Validate();

        Assert.True(options.SubGenres > 1 && options.PriceLevels > 1 && options.DriftShare > 0 && options.SessionContinue > 0 && options.IntentPurchaseBoost > 1);
    }
}

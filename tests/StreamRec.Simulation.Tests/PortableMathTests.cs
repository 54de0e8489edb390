namespace StreamRec.Simulation.Tests;

public sealed class PortableMathTests
{
    [Fact]
    public void Log_ManyInputs_WithinOneUlpOfTheRuntime()
    {
        var random = new DeterministicRandom(1);
        for (var i = 0; i < 200_000; i++)
        {
            // Uniform draws (what Exponential feeds it) and a wide spread of magnitudes.
            var x = i % 2 == 0 ? 1.0 - random.NextDouble() : Math.Pow(2, (random.NextDouble() * 200) - 100);
            AssertWithinOneUlp(Math.Log(x), PortableMath.Log(x), x);
        }
    }

    [Fact]
    public void Exp_ManyInputs_WithinOneUlpOfTheRuntime()
    {
        var random = new DeterministicRandom(2);
        for (var i = 0; i < 200_000; i++)
        {
            var x = i % 2 == 0 ? (random.NextDouble() * 12) - 6 : (random.NextDouble() * 1400) - 700;
            AssertWithinOneUlp(Math.Exp(x), PortableMath.Exp(x), x);
        }
    }

    [Fact]
    public void LogAndExp_SpecialValues_AreExact()
    {
        Assert.Equal(0.0, PortableMath.Log(1.0));
        Assert.Equal(double.NegativeInfinity, PortableMath.Log(0.0));
        Assert.True(double.IsNaN(PortableMath.Log(-1.0)));
        Assert.Equal(1.0, PortableMath.Exp(0.0));
        AssertWithinOneUlp(Math.Log(double.Epsilon), PortableMath.Log(double.Epsilon), double.Epsilon);
        Assert.Throws<ArgumentOutOfRangeException>(() => PortableMath.Exp(800));
    }

    private static void AssertWithinOneUlp(double expected, double actual, double x)
    {
        var distance = Math.Abs(BitConverter.DoubleToInt64Bits(expected) - BitConverter.DoubleToInt64Bits(actual));
        Assert.True(distance <= 1, $"f({x:R}) = {actual:R}, runtime says {expected:R}");
    }
}

namespace StreamRec.Simulation;

/// <summary>
/// Natural logarithm and exponential in plain IEEE arithmetic (ports of fdlibm's <c>e_log.c</c> and
/// <c>e_exp.c</c>, error below 1 ulp). <see cref="Math.Log(double)"/> and <see cref="Math.Exp"/> call the
/// platform's C library, whose last bit may differ between operating systems and versions; a seeded log must
/// not, so everything random in the simulator goes through these.
/// </summary>
internal static class PortableMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01;
    private const double Ln2Lo = 1.90821492927058770002e-10;
    private const double Two54 = 1.80143985094819840000e+16;
    private const double InvLn2 = 1.44269504088896338700e+00;

    private const double Lg1 = 6.666666666666735130e-01;
    private const double Lg2 = 3.999999999940941908e-01;
    private const double Lg3 = 2.857142874366239149e-01;
    private const double Lg4 = 2.222219843214978396e-01;
    private const double Lg5 = 1.818357216161805012e-01;
    private const double Lg6 = 1.531383769920937332e-01;
    private const double Lg7 = 1.479819860511658591e-01;

    private const double P1 = 1.66666666666666019037e-01;
    private const double P2 = -2.77777777770155933842e-03;
    private const double P3 = 6.61375632143793436117e-05;
    private const double P4 = -1.65339022054652515390e-06;
    private const double P5 = 4.13813679705723846039e-08;

    /// <summary>ln(x); NaN for negative or NaN input, -infinity for zero.</summary>
    public static double Log(double x)
    {
        var bits = BitConverter.DoubleToInt64Bits(x);
        var hx = (int)(bits >> 32);
        var lx = (uint)bits;
        var k = 0;
        if (hx < 0x00100000)
        {
            if (((hx & 0x7fffffff) | (int)lx) == 0)
            {
                return double.NegativeInfinity;
            }

            if (hx < 0)
            {
                return double.NaN;
            }

            // Subnormal: scale into the normal range first.
            k -= 54;
            x *= Two54;
            bits = BitConverter.DoubleToInt64Bits(x);
            hx = (int)(bits >> 32);
        }

        if (hx >= 0x7ff00000)
        {
            return x + x;
        }

        k += (hx >> 20) - 1023;
        hx &= 0x000fffff;
        var i = (hx + 0x95f64) & 0x100000;
        // Normalise the mantissa into [sqrt(2)/2, sqrt(2)).
        x = BitConverter.Int64BitsToDouble(((long)(hx | (i ^ 0x3ff00000)) << 32) | (bits & 0xffffffffL));
        k += i >> 20;
        var f = x - 1.0;
        double dk;
        if ((0x000fffff & (2 + hx)) < 3)
        {
            if (f == 0.0)
            {
                dk = k;
                return k == 0 ? 0.0 : (dk * Ln2Hi) + (dk * Ln2Lo);
            }

            var r0 = f * f * (0.5 - (0.33333333333333333 * f));
            dk = k;
            return k == 0 ? f - r0 : (dk * Ln2Hi) - ((r0 - (dk * Ln2Lo)) - f);
        }

        var s = f / (2.0 + f);
        dk = k;
        var z = s * s;
        i = hx - 0x6147a;
        var w = z * z;
        var j = 0x6b851 - hx;
        var t1 = w * (Lg2 + (w * (Lg4 + (w * Lg6))));
        var t2 = z * (Lg1 + (w * (Lg3 + (w * (Lg5 + (w * Lg7))))));
        i |= j;
        var r = t2 + t1;
        if (i > 0)
        {
            var hfsq = 0.5 * f * f;
            return k == 0 ? f - (hfsq - (s * (hfsq + r))) : (dk * Ln2Hi) - ((hfsq - ((s * (hfsq + r)) + (dk * Ln2Lo))) - f);
        }

        return k == 0 ? f - (s * (f - r)) : (dk * Ln2Hi) - (((s * (f - r)) - (dk * Ln2Lo)) - f);
    }

    /// <summary>e^x for |x| below 708 (the simulator never needs more); outside that range it throws.</summary>
    public static double Exp(double x)
    {
        if (!(Math.Abs(x) < 708))
        {
            throw new ArgumentOutOfRangeException(nameof(x), x, "PortableMath.Exp covers |x| < 708.");
        }

        var hx = (int)(BitConverter.DoubleToInt64Bits(x) >> 32);
        var negative = hx < 0;
        hx &= 0x7fffffff;
        int k;
        double hi, lo = 0;
        if (hx > 0x3fd62e42)
        {
            // Reduce to x = k ln2 + r with |r| <= ln2 / 2; k ln2 is split so the subtraction is exact.
            if (hx < 0x3FF0A2B2)
            {
                hi = negative ? x + Ln2Hi : x - Ln2Hi;
                lo = negative ? -Ln2Lo : Ln2Lo;
                k = negative ? -1 : 1;
            }
            else
            {
                k = (int)((InvLn2 * x) + (negative ? -0.5 : 0.5));
                double t = k;
                hi = x - (t * Ln2Hi);
                lo = t * Ln2Lo;
            }

            x = hi - lo;
        }
        else if (hx < 0x3e300000)
        {
            return 1.0 + x;
        }
        else
        {
            hi = 0;
            k = 0;
        }

        var tt = x * x;
        var c = x - (tt * (P1 + (tt * (P2 + (tt * (P3 + (tt * (P4 + (tt * P5)))))))));
        if (k == 0)
        {
            return 1.0 - (((x * c) / (c - 2.0)) - x);
        }

        var y = 1.0 - ((lo - ((x * c) / (2.0 - c))) - hi);
        // |x| < 708 keeps k >= -1021, so scaling by 2^k is an exponent add.
        return BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(y) + ((long)k << 52));
    }

    /// <summary>x^y for x > 0, as e^(y ln x).</summary>
    public static double Pow(double x, double y) => Exp(y * Log(x));
}

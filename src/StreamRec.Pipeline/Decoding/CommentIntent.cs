using System.Text;

namespace StreamRec.Pipeline.Decoding;

/// <summary>
/// A small lexicon classifier for purchase intent in live-commerce comments, in English and Chinese: questions
/// about price, size, links, stock and shipping, and "I want it" phrases. In live commerce these come just
/// before purchases, so they say more about a viewer's taste than a "wow" does. Case-insensitive; punctuation and
/// spacing do not matter (English terms match whole words, Chinese ones anywhere, separators removed).
/// Allocation-free, so it can run on every decoded comment.
/// </summary>
public static class CommentIntent
{
    /// <summary>Only the start of a long comment is read: intent questions are short.</summary>
    public const int MaxChars = 256;

    // Whole words or phrases, lower case, single-spaced: matched against " normalized text ".
    private static readonly string[] English =
    [
        " how much ", " price ", " prices ", " pricing ", " cost ", " costs ", " link ", " links ", " url ",
        " size ", " sizes ", " sizing ", " what size ", " in stock ", " stock ", " restock ", " sold out ",
        " available ", " ship ", " ships ", " shipping ", " shipped ", " delivery ", " deliver ", " buy ",
        " where to buy ", " order ", " add to cart ", " cart ", " checkout ", " discount ", " coupon ",
        " i want ", " want one ", " want it ", " want this ", " take one ", " how many left ",
    ];

    // Substrings of the text with every separator removed.
    private static readonly string[] Chinese =
    [
        "多少钱", "价格", "价钱", "几块", "链接", "尺码", "码数", "尺寸", "什么码", "有货", "库存", "现货", "补货", "包邮",
        "发货", "运费", "快递", "想要", "下单", "拍下", "怎么买", "在哪买", "购买", "优惠", "便宜", "上链接",
    ];

    /// <summary>True when the UTF-8 <paramref name="utf8Text"/> asks about buying.</summary>
    public static bool IsIntent(ReadOnlySpan<byte> utf8Text)
    {
        Span<char> chars = stackalloc char[MaxChars];
        var length = Math.Min(utf8Text.Length, MaxChars);

        // A cut may split a multi-byte character; the decoder replaces the fragment, which matches no term.
        var written = Encoding.UTF8.GetChars(utf8Text[..length], chars);
        return IsIntent(chars[..written]);
    }

    /// <summary>True when <paramref name="text"/> asks about buying.</summary>
    public static bool IsIntent(ReadOnlySpan<char> text)
    {
        text = text[..Math.Min(text.Length, MaxChars)];
        Span<char> spaced = stackalloc char[text.Length + 2];
        Span<char> joined = stackalloc char[text.Length];
        var s = 0;
        var j = 0;
        spaced[s++] = ' ';
        foreach (var c in text)
        {
            if (char.IsLetterOrDigit(c))
            {
                var lower = char.ToLowerInvariant(c);
                spaced[s++] = lower;
                joined[j++] = lower;
            }
            else if (spaced[s - 1] != ' ')
            {
                spaced[s++] = ' ';
            }
        }

        if (spaced[s - 1] != ' ')
        {
            spaced[s++] = ' ';
        }

        return ContainsAny(spaced[..s], English) || ContainsAny(joined[..j], Chinese);
    }

    private static bool ContainsAny(ReadOnlySpan<char> text, string[] terms)
    {
        foreach (var term in terms)
        {
            if (text.Contains(term, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}

namespace StreamRec.Simulation;

/// <summary>
/// The words of the simulated platform: product categories and comments. Comments are intent questions (price,
/// size, link, stock, shipping) or chatter, in English and Chinese, several phrasings each, so a lexicon that
/// finds intent has to generalise rather than copy one string per intent.
/// </summary>
internal static class Vocabulary
{
    public static readonly string[] Categories =
        ["beauty", "fashion", "electronics", "food", "home", "sports", "toys", "books", "jewelry", "health", "outdoors", "pets"];

    /// <summary>Questions before a purchase: price, size, link, stock, shipping.</summary>
    public static readonly string[] Intent =
    [
        "how much?", "price pls", "what is the price", "how much is this one", "price?", "any discount?",
        "what sizes?", "does it come in XL", "size chart please", "is it true to size?",
        "link please", "where is the link", "link pls", "can you pin the link",
        "is it in stock?", "still available?", "any left in black?",
        "ship abroad?", "free shipping?", "how long is delivery",
        "多少钱", "价格多少", "这个怎么卖", "有优惠吗",
        "有什么尺码", "尺码偏大吗", "有没有大码",
        "链接在哪", "求链接", "上链接",
        "还有货吗", "有现货吗",
        "能包邮吗", "几天发货",
    ];

    /// <summary>Comments that say nothing about buying.</summary>
    public static readonly string[] Chatter =
    [
        "wow", "love it", "so pretty", "hello everyone", "nice", "lol", "amazing", "just watching", "good evening",
        "you look great today", "haha", "cool",
        "哈哈哈", "主播好漂亮", "666", "好看", "来了来了", "大家好", "太可爱了", "支持主播", "厉害",
    ];

    /// <summary>Every comment: the intent ones first, so a comment's index says which kind it is.</summary>
    public static readonly string[] Comments = [.. Intent, .. Chatter];

    public static bool IsIntent(int comment) => comment < Intent.Length;
}

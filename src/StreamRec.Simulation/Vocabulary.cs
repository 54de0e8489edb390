namespace StreamRec.Simulation;

/// <summary>The words of the simulated platform: product categories and canned comments.</summary>
internal static class Vocabulary
{
    public static readonly string[] Categories =
        ["beauty", "fashion", "electronics", "food", "home", "sports", "toys", "books", "jewelry", "health", "outdoors", "pets"];

    public static readonly string[] Comments =
        ["how much?", "link please", "love it", "what sizes?", "just bought one", "is it in stock?", "wow", "ship abroad?"];
}

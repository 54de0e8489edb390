namespace StreamRec.Simulation;

/// <summary>
/// Numbers the (category, sub-genre, price level) buckets of streamers: bucket = (category x sub-genres +
/// sub-genre) x price levels + price level, so the buckets of one category are contiguous.
/// </summary>
internal readonly record struct RoomBuckets(int SubGenres, int PriceLevels)
{
    public int Count => Vocabulary.Categories.Length * PerCategory;

    /// <summary>Buckets of one category.</summary>
    public int PerCategory => SubGenres * PriceLevels;

    public int Of(int category, int subGenre, int price) => (((category * SubGenres) + subGenre) * PriceLevels) + price;

    public int CategoryOf(int bucket) => bucket / PerCategory;

    public int SubGenreOf(int bucket) => bucket / PriceLevels % SubGenres;

    public int PriceOf(int bucket) => bucket % PriceLevels;
}

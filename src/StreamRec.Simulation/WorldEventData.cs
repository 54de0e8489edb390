namespace StreamRec.Simulation;

/// <summary>Packs the small details of an event into <see cref="WorldEvent.Data"/>: no strings until formatting.</summary>
internal static class WorldEventData
{
    /// <summary>Session number (for the title) and flash-sale product of a room start or update.</summary>
    public static int Session(int number, int product = 0) => (number << 8) | product;

    public static int SessionNumber(int data) => data >> 8;

    public static int SessionProduct(int data) => data & 0xff;

    /// <summary>Item (0-49), whole-dollar price step (0-195) and quantity (1-2) of a purchase.</summary>
    public static int Purchase(int item, int priceStep, int quantity) => (item << 16) | (priceStep << 8) | quantity;

    public static int PurchaseItem(int data) => data >> 16;

    public static int PurchasePriceStep(int data) => (data >> 8) & 0xff;

    public static int PurchaseQuantity(int data) => data & 0xff;
}

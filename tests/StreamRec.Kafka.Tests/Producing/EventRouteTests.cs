using System.Text;
using StreamRec.Kafka.Options;
using StreamRec.Kafka.Producing;

namespace StreamRec.Kafka.Tests.Producing;

public sealed class EventRouteTests
{
    private static readonly KafkaTopics Topics = new();

    [Theory]
    [InlineData("click", "live.clicks")]
    [InlineData("comment", "live.comments")]
    [InlineData("purchase", "live.purchases")]
    [InlineData("user_forget", "live.privacy")]
    public void Of_UserEvent_GoesToItsTopicKeyedByUserWithEventTime(string type, string topic)
    {
        var json = $$$"""{"type":"{{{type}}}","event_id":"e","ts":1767636000123,"room_id":"r1","user_id":"u7","streamer_id":"s","extra":{"nested":[1,{"user_id":"x"}]}}""";

        var route = EventRoute.Of(Encoding.UTF8.GetBytes(json), Topics);

        Assert.Equal((topic, 1767636000123L, true), (route.Topic, route.Timestamp, route.Routable));
        Assert.Equal("u7"u8.ToArray(), route.Key);
    }

    [Theory]
    [InlineData("room_start")]
    [InlineData("room_stop")]
    [InlineData("room_update")]
    public void Of_RoomEvent_GoesToRoomsKeyedByRoom(string type)
    {
        var route = EventRoute.Of(Encoding.UTF8.GetBytes($$"""{"ts":5,"type":"{{type}}","room_id":"r1","streamer_id":"s"}"""), Topics);

        Assert.Equal(("live.rooms", 5L, true), (route.Topic, route.Timestamp, route.Routable));
        Assert.Equal("r1"u8.ToArray(), route.Key);
    }

    [Theory]
    [InlineData("{\"type\":\"click\",\"ts\":")]
    [InlineData("[1,2]")]
    [InlineData("{\"type\":\"dance\",\"user_id\":\"u\"}")]
    [InlineData("{\"type\":\"click\",\"room_id\":\"r\"}")]
    [InlineData("")]
    public void Of_UnreadableOrUnknown_IsUnroutableToClicksUnkeyed(string json)
    {
        var route = EventRoute.Of(Encoding.UTF8.GetBytes(json), Topics);

        Assert.Equal(("live.clicks", false), (route.Topic, route.Routable));
        Assert.Null(route.Key);
    }
}

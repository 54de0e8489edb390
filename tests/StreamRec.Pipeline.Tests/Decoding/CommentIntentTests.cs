using StreamRec.Contracts.Events;
using StreamRec.Pipeline.Decoding;
using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.Support;

namespace StreamRec.Pipeline.Tests.Decoding;

public sealed class CommentIntentTests
{
    [Theory]
    [InlineData("how much?")]
    [InlineData("HOW MUCH is the red one")]
    [InlineData("how...much")]
    [InlineData("what's the price")]
    [InlineData("Prices please!!")]
    [InlineData("does it cost a lot")]
    [InlineData("link please")]
    [InlineData("LINK???")]
    [InlineData("what sizes?")]
    [InlineData("size M available?")]
    [InlineData("is it in stock?")]
    [InlineData("in-stock??")]
    [InlineData("ship abroad?")]
    [InlineData("free shipping?")]
    [InlineData("where to buy")]
    [InlineData("I want one")]
    public void IsIntent_EnglishBuyingQuestion_IsIntent(string text) => Assert.True(CommentIntent.IsIntent(text));

    [Theory]
    [InlineData("多少钱？")]
    [InlineData("这个多少 钱")]
    [InlineData("价格是多少")]
    [InlineData("求链接！")]
    [InlineData("有什么尺码")]
    [InlineData("码数偏大吗")]
    [InlineData("还有货吗？")]
    [InlineData("库存还有吗")]
    [InlineData("包邮吗")]
    [InlineData("什么时候发货")]
    [InlineData("我想要这个")]
    [InlineData("已下单")]
    [InlineData("主播，上链接!")]
    public void IsIntent_ChineseBuyingQuestion_IsIntent(string text) => Assert.True(CommentIntent.IsIntent(text));

    [Theory]
    [InlineData("")]
    [InlineData("wow")]
    [InlineData("love it")]
    [InlineData("just bought one")]
    [InlineData("hello everyone")]
    [InlineData("the host is so funny lol")]
    [InlineData("shipwreck documentary next?")]
    [InlineData("sizeable crowd today")]
    [InlineData("blinking lights")]
    [InlineData("哈哈哈")]
    [InlineData("主播好漂亮")]
    [InlineData("大家晚上好")]
    [InlineData("!!!???")]
    public void IsIntent_ChatWithoutBuyingQuestion_IsNotIntent(string text) => Assert.False(CommentIntent.IsIntent(text));

    [Fact]
    public void IsIntent_Utf8Text_ClassifiesAsTheString()
    {
        Assert.True(CommentIntent.IsIntent("还有货吗"u8));
        Assert.False(CommentIntent.IsIntent("主播好漂亮"u8));
    }

    [Fact]
    public void IsIntent_QuestionBeyondTheCharactersRead_IsNotSeen()
    {
        var text = new string('a', CommentIntent.MaxChars) + " how much";

        Assert.False(CommentIntent.IsIntent(text));
        Assert.True(CommentIntent.IsIntent("how much " + new string('a', 10_000)));
    }

    [Fact]
    public void TryDecode_CommentAskingThePrice_RecordCarriesTheIntent()
    {
        var state = PipelineState.InMemory(new Options.PipelineOptions());

        var asking = Ev.Record(state, Ev.Comment(Ev.T0, "u1", "r1", "多少钱?"));
        var chatting = Ev.Record(state, Ev.Comment(Ev.T0, "u1", "r1", "wow"));
        var clicking = Ev.Record(state, Ev.Click(Ev.T0, "u1", "r1"));

        Assert.Equal(EventKind.Comment, asking.Kind);
        Assert.True(asking.Intent);
        Assert.False(chatting.Intent);
        Assert.False(clicking.Intent);
    }

    [Fact]
    public void TryDecode_EscapedIntentText_IsClassifiedUnescaped()
    {
        var state = PipelineState.InMemory(new Options.PipelineOptions());
        var json = """{"type":"comment","event_id":"e1","ts":1767636000000,"user_id":"u1","room_id":"r1","streamer_id":"s1","text":"\u4ef7\u683c?"}"""u8;

        Assert.True(new EventDecoder(state.Ids, 256, 0).TryDecode(json, long.MaxValue, out var record, out var error), error.Message);

        Assert.True(record.Intent);
    }
}

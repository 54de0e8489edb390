using StreamRec.Pipeline.State;

namespace StreamRec.Pipeline.Tests.State;

public sealed class InMemoryKeyValueStoreTests : KeyValueStoreContract
{
    protected override IKeyValueStore Create() => new InMemoryKeyValueStore("users-0");
}

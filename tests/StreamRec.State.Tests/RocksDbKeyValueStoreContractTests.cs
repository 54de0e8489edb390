using StreamRec.Pipeline.State;
using StreamRec.Pipeline.Tests.State;
using StreamRec.State.Tests.Support;

namespace StreamRec.State.Tests;

public sealed class RocksDbKeyValueStoreContractTests : KeyValueStoreContract
{
    protected override IKeyValueStore Create() => new OwnedStore("users");
}

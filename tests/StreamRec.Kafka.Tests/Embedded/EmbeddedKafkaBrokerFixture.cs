using StreamRec.Kafka.Embedded;

namespace StreamRec.Kafka.Tests.Embedded;

/// <summary>One broker shared by a test class; each test isolates itself with a fresh topic and group.</summary>
public sealed class EmbeddedKafkaBrokerFixture : IAsyncLifetime
{
    private EmbeddedKafkaBroker? _broker;

    public EmbeddedKafkaBroker Broker => _broker ?? throw new InvalidOperationException("The fixture has not started yet.");

    public Task InitializeAsync()
    {
        // Start returns once the listener is bound, so the broker is ready without polling.
        _broker = EmbeddedKafkaBroker.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_broker is not null)
        {
            await _broker.DisposeAsync();
        }
    }
}

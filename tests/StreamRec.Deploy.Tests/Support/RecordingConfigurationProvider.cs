using Microsoft.Extensions.Configuration;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>An empty configuration that remembers which paths were asked for: binding an options type reveals its section.</summary>
internal sealed class RecordingConfigurationProvider : ConfigurationProvider, IConfigurationSource
{
    public List<string> Reads { get; } = [];

    public IConfigurationProvider Build(IConfigurationBuilder builder) => this;

    public override bool TryGet(string key, out string? value)
    {
        Reads.Add(key);
        return base.TryGet(key, out value);
    }

    public override IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
    {
        if (parentPath is not null)
        {
            Reads.Add(parentPath);
        }

        return base.GetChildKeys(earlierKeys, parentPath);
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StreamRec.Cli.Commands;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>
/// The configuration sections <c>streamrec run</c> binds, and the options type behind each. They are read off
/// <see cref="RunCommand.Register"/> itself: every <c>AddOptions&lt;T&gt;().Bind(section)</c> it makes is found, and
/// binding it against a recording configuration shows the section's name. A section added there is covered
/// here without editing this file.
/// </summary>
internal static class BoundSections
{
    /// <summary>Bound by <c>run</c> outside <see cref="RunCommand.Register"/>: the logging filters (see <see cref="LoggingSettings"/>).</summary>
    public static IReadOnlyDictionary<string, Type> OutsideRegister { get; } = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase)
    {
        ["Logging"] = typeof(LoggingSettings),
    };

    public static IReadOnlyDictionary<string, Type> All { get; } = Discover();

    private static Dictionary<string, Type> Discover()
    {
        var recorder = new RecordingConfigurationProvider();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = AppContext.BaseDirectory });
        ((IConfigurationBuilder)builder.Configuration).Add(recorder);
        RunCommand.Register(builder, _ => throw new InvalidOperationException("The scorer is never resolved here."));

        var sections = new Dictionary<string, Type>(OutsideRegister, StringComparer.OrdinalIgnoreCase);
        foreach (var descriptor in builder.Services)
        {
            if (descriptor.ServiceType.IsGenericType && descriptor.ServiceType.GetGenericTypeDefinition() == typeof(IConfigureOptions<>)
                && descriptor.ImplementationInstance is { } instance && instance.GetType().IsGenericType
                && instance.GetType().GetGenericTypeDefinition() == typeof(NamedConfigureFromConfigurationOptions<>))
            {
                var optionsType = descriptor.ServiceType.GetGenericArguments()[0];
                var bind = (Delegate)instance.GetType().GetProperty(nameof(ConfigureNamedOptions<object>.Action))!.GetValue(instance)!;
                recorder.Reads.Clear();
                bind.DynamicInvoke(Activator.CreateInstance(optionsType));
                var roots = recorder.Reads.Select(path => path.Split(':')[0]).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (roots.Count != 1)
                {
                    throw new InvalidOperationException($"Binding {optionsType.Name} read [{string.Join(", ", roots)}], not one section.");
                }

                sections.Add(roots[0], optionsType);
            }
        }

        return sections;
    }
}

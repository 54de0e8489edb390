using System.Reflection;

namespace StreamRec.Deploy.Tests.Support;

/// <summary>
/// Whether a configuration key names a setting of a bound options type. Walked by reflection as the binder sees
/// it: case-insensitive names of settable properties, nested records as sections, string-keyed dictionaries
/// (<c>Kafka:Client</c>) taking any key, lists taking indexes; a value type ends the key.
/// </summary>
internal sealed class SettingSchema(IReadOnlyDictionary<string, Type> sections)
{
    private static readonly HashSet<Type> ValueTypes =
    [
        typeof(string), typeof(bool), typeof(int), typeof(long), typeof(ulong), typeof(double), typeof(float), typeof(decimal),
        typeof(TimeSpan), typeof(DateTime), typeof(DateTimeOffset), typeof(Guid), typeof(Uri),
    ];

    /// <summary>Null when <paramref name="key"/> is a setting, otherwise why not.</summary>
    public string? Problem(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var segments = key.Split(':');
        if (!sections.TryGetValue(segments[0], out var type))
        {
            return $"'{segments[0]}' is not a section run binds ({string.Join(", ", sections.Keys.Order(StringComparer.Ordinal))})";
        }

        return Walk(type, segments, 1, segments[0]);
    }

    private static string? Walk(Type type, string[] segments, int index, string path)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ValueTypes.Contains(type) || type.IsEnum)
        {
            return index == segments.Length ? null : $"'{path}' is a value ({type.Name}) with no '{segments[index]}' under it";
        }

        if (index == segments.Length)
        {
            return $"'{path}' is a section ({type.Name}), not a value";
        }

        var segment = segments[index];
        if (segment.Length == 0)
        {
            return $"empty name under '{path}' (a stray \"__\"?)";
        }

        if ((GenericInterface(type, typeof(IReadOnlyDictionary<,>)) ?? GenericInterface(type, typeof(IDictionary<,>))) is { } dictionary
            && dictionary.GetGenericArguments()[0] == typeof(string))
        {
            return Walk(dictionary.GetGenericArguments()[1], segments, index + 1, $"{path}:{segment}");
        }

        if (GenericInterface(type, typeof(IEnumerable<>)) is { } list)
        {
            return int.TryParse(segment, out var position) && position >= 0
                ? Walk(list.GetGenericArguments()[0], segments, index + 1, $"{path}:{segment}")
                : $"'{path}' is a list: '{segment}' is not an index";
        }

        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            .ToList();
        var match = settable.FirstOrDefault(property => string.Equals(property.Name, segment, StringComparison.OrdinalIgnoreCase));
        return match is null
            ? $"'{segment}' is not a setting of {type.Name} under '{path}' (it has {string.Join(", ", settable.Select(property => property.Name))})"
            : Walk(match.PropertyType, segments, index + 1, $"{path}:{match.Name}");
    }

    private static Type? GenericInterface(Type type, Type definition)
    {
        if (type.IsGenericType && type.GetGenericTypeDefinition() == definition)
        {
            return type;
        }

        return type.GetInterfaces().FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == definition);
    }
}

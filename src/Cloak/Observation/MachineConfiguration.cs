using System.Reflection;
using Cloak.Chip.Security;
using Cloak.Os;

namespace Cloak.Observation;

/// <summary>
/// A machine's configuration as plain data for reports: every public option of the option records,
/// by snake_case name, walked by reflection so a new option appears without anyone remembering to
/// add it. Delegates and streams (where output goes) are left out; the chip identity appears as its
/// public fingerprint, never as key material.
/// </summary>
public static class MachineConfiguration
{
    /// <summary>The chip as built (the hart options the OS machine actually uses) and the kernel's options.</summary>
    public static IReadOnlyDictionary<string, object?> Of(OsMachine machine, OsMachineOptions options) => new SortedDictionary<string, object?>(StringComparer.Ordinal)
    {
        ["chip"] = Describe(machine.Processor.Options),
        ["kernel"] = Describe(options.Kernel),
    };

    /// <summary>The chip as built and the board around it (semihosting's host files and command line).</summary>
    public static IReadOnlyDictionary<string, object?> Of(BareMetal.BareMetalMachine machine, MachineOptions options) => new SortedDictionary<string, object?>(StringComparer.Ordinal)
    {
        ["chip"] = Describe(machine.Processor.Options),
        ["board"] = new SortedDictionary<string, object?>(StringComparer.Ordinal)
        {
            ["command_line"] = options.CommandLine,
            ["host_file_root"] = options.HostFileRoot,
        },
    };

    /// <summary>The public, readable properties of an options object, recursively (records become objects).</summary>
    public static IReadOnlyDictionary<string, object?> Describe(object options)
    {
        var map = new SortedDictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetIndexParameters().Length > 0 || property.GetMethod is null) continue;
            var type = property.PropertyType;
            if (typeof(Delegate).IsAssignableFrom(type) || typeof(Stream).IsAssignableFrom(type) || typeof(TextWriter).IsAssignableFrom(type)) continue;
            object? value = property.GetValue(options);
            map[Names.Snake(property.Name)] = value switch
            {
                null => null,
                ChipIdentity identity => $"chip {Convert.ToHexString(identity.Fingerprint, 0, 8).ToLowerInvariant()}",
                string or bool or Enum => value,
                sbyte or byte or short or ushort or int or uint or long or ulong or float or double or decimal => value,
                System.Collections.IEnumerable => null,
                _ when type.IsClass => Describe(value),
                _ => value.ToString(),
            };
        }
        return map;
    }
}

using System.Reflection;
using Cloak.Attacks;
using Cloak.Chip;
using Cloak.Chip.Cpu;
using Cloak.Chip.Security;
using Cloak.Kernel.Adversaries;
using Cloak.Platform;

namespace Cloak.Security.Tests;

/// <summary>
/// Issue 8, item 1: the wall between the OS and the chip is held by types. The OS model and every
/// adversary are handed an <see cref="OsPort"/> (and, for adversaries, <see cref="AdversaryPowers"/>);
/// nothing reachable from those through public or protected members (properties, fields, method
/// results, out parameters, events, generic arguments, element and base types) may lead into the chip
/// package: its processor, hart, caches, key table, identity or any crypto key holder. The walk is by
/// types, not by names, so a new path shows up however it is named.
/// </summary>
public class OsBoundaryTests
{
    /// <summary>Assemblies whose types an OS must never reach: the chip package and the key holders.</summary>
    private static readonly Assembly[] Forbidden = [typeof(Processor).Assembly, typeof(ChipIdentity).Assembly, typeof(Crypto.LineCrypto).Assembly];

    private static bool IsForbidden(Type type) => Forbidden.Contains(type.Assembly);

    /// <summary>Breadth-first walk of the types reachable from <paramref name="roots"/>; returns each forbidden type with the path that reached it.</summary>
    private static List<string> PathsToForbidden(params Type[] roots)
    {
        var seen = new HashSet<Type>();
        var queue = new Queue<(Type Type, string Path)>();
        var found = new List<string>();
        foreach (var root in roots) queue.Enqueue((root, root.Name));
        while (queue.Count > 0)
        {
            var (type, path) = queue.Dequeue();
            if (type.IsByRef || type.IsPointer || type.IsArray) type = type.GetElementType()!;
            if (type.IsGenericParameter || !seen.Add(type)) continue;
            if (IsForbidden(type))
            {
                found.Add($"{path} -> {type.FullName}");
                continue;
            }
            if (type.Assembly == typeof(object).Assembly && !type.IsGenericType) continue; // the class library's own types
            foreach (var (next, via) in Reachable(type)) queue.Enqueue((next, $"{path}.{via}"));
        }
        return found;
    }

    private static IEnumerable<(Type Type, string Via)> Reachable(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        if (type.IsGenericType)
            foreach (var argument in type.GetGenericArguments()) yield return (argument, $"<{argument.Name}>");
        if (type.BaseType is { } baseType) yield return (baseType, $"(base {baseType.Name})");
        foreach (var i in type.GetInterfaces()) yield return (i, $"(interface {i.Name})");
        if (type.Assembly == typeof(object).Assembly) yield break; // generic class-library types: only their arguments matter
        foreach (var property in type.GetProperties(flags))
        {
            var getter = property.GetMethod;
            if (getter is not null && Visible(getter)) yield return (property.PropertyType, property.Name);
        }
        foreach (var field in type.GetFields(flags))
            if (field.IsPublic || field.IsFamily || field.IsFamilyOrAssembly) yield return (field.FieldType, field.Name);
        foreach (var method in type.GetMethods(flags))
        {
            if (!Visible(method) || method.IsSpecialName) continue;
            yield return (method.ReturnType, method.Name + "()");
            foreach (var parameter in method.GetParameters())
                if (parameter.ParameterType.IsByRef) yield return (parameter.ParameterType, $"{method.Name}(out {parameter.Name})");
        }
        foreach (var e in type.GetEvents(flags))
            if (e.AddMethod is { } add && Visible(add) && e.EventHandlerType?.GetMethod("Invoke") is { } invoke)
                foreach (var parameter in invoke.GetParameters()) yield return (parameter.ParameterType, $"{e.Name}({parameter.Name})");
        foreach (var nested in type.GetNestedTypes(flags))
            if (nested.IsNestedPublic || nested.IsNestedFamily) yield return (nested, nested.Name);
    }

    private static bool Visible(MethodBase method) => method.IsPublic || method.IsFamily || method.IsFamilyOrAssembly;

    [Fact]
    public void Nothing_reachable_from_the_OS_port_leads_into_the_chip()
    {
        Assert.Empty(PathsToForbidden(typeof(OsPort)));
    }

    [Fact]
    public void Nothing_reachable_from_the_adversary_powers_or_the_hooks_leads_into_the_chip()
    {
        Assert.Empty(PathsToForbidden(typeof(Adversary), typeof(AdversaryPowers), typeof(Kernel.Kernel)));
    }

    [Fact]
    public void Nothing_reachable_from_the_ready_made_adversaries_leads_into_the_chip()
    {
        var adversaries = typeof(SnoopAdversary).Assembly.GetExportedTypes();
        Assert.NotEmpty(adversaries);
        Assert.Empty(PathsToForbidden(adversaries));
    }

    // The walk itself must be able to find a path, or the tests above prove nothing.
    [Fact]
    public void The_walk_flags_a_type_that_hands_out_the_processor_or_a_hart_register_view()
    {
        Assert.Equal(["ProcessorHolder.Chip -> Cloak.Chip.Processor"], PathsToForbidden(typeof(ProcessorHolder)));
        Assert.Equal(["HartInAList.Harts.<Hart> -> Cloak.Chip.Cpu.Hart"], PathsToForbidden(typeof(HartInAList)));
        Assert.Equal(["IdentityFactory.Make() -> Cloak.Chip.Security.ChipIdentity"], PathsToForbidden(typeof(IdentityFactory)));
    }

    /// <summary>Types that (wrongly) hand out the processor, a hart or the identity: the walk must flag each.</summary>
    public sealed class ProcessorHolder
    {
        public Processor? Chip { get; init; }
    }

    public sealed class HartInAList
    {
        public IReadOnlyList<Hart> Harts { get; } = [];
    }

    public sealed class IdentityFactory
    {
        public static ChipIdentity Make() => ChipIdentity.Generate();
    }

    [Fact]
    public void The_kernel_is_built_from_a_port_and_takes_no_processor()
    {
        var parameters = typeof(Kernel.Kernel).GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.ParameterType).ToList();
        Assert.Contains(typeof(OsPort), parameters);
        Assert.DoesNotContain(parameters, IsForbidden);
    }

    // The fence holds at compile time too: the OS model and the attacks cannot even name the chip's types.
    [Theory]
    [InlineData(typeof(Kernel.Kernel))]
    [InlineData(typeof(SnoopAdversary))]
    public void The_OS_side_assemblies_do_not_reference_the_chip(Type sample)
    {
        var references = sample.Assembly.GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(typeof(Processor).Assembly.GetName().Name, references);
        Assert.DoesNotContain(typeof(Crypto.LineCrypto).Assembly.GetName().Name, references);
    }

    [Fact]
    public void The_port_an_OS_gets_cannot_be_cast_back_to_the_processor()
    {
        var processor = new Processor(new ChipOptions { Hart = new HartOptions { HostHandlesTraps = true } });
        var port = processor.Port;
        Assert.False(port.GetType().IsVisible, "the port's implementation is internal to the chip");
        Assert.Empty(PathsToForbidden(port.GetType().BaseType!));
    }
}

using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Native;

/// <summary>
/// The generated bindings against the native compiler's view of p2gan.h: every struct's size and
/// every field's offset as p2gan-abi-probe (built from the header by CMake) prints them, every
/// enum value, and every function's parameter types (the C types of the generator's manifest,
/// mapped here independently of the generator).
/// </summary>
[TestFixture]
public sealed class AbiContractTests
{
    private static readonly Assembly Bindings = typeof(NativeAbi).Assembly;

    private static JsonElement Manifest() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "bindings", "P2Gan.Native", "Generated", "abi-manifest.g.json"))).RootElement;

    private static JsonElement Probe()
    {
        string probe = Path.Combine(RepoPaths.Root, "artifacts", "native", OperatingSystem.IsWindows() ? "p2gan-abi-probe.exe" : "p2gan-abi-probe");
        if (!File.Exists(probe))
        {
            if (Environment.GetEnvironmentVariable(NativeRequirement.RequireVariable) == "1") Assert.Fail($"{probe} is missing: build the native targets first (./build.sh).");
            Assert.Ignore($"{probe} is missing (native build not present).");
        }
        using var process = Process.Start(new ProcessStartInfo(probe) { RedirectStandardOutput = true })!;
        string json = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero);
        return JsonDocument.Parse(json).RootElement;
    }

    private static Type ManagedType(string name) =>
        Bindings.GetType("P2Gan.Native." + name) ?? Bindings.GetType("P2Gan." + name)
        ?? throw new AssertionException($"no managed type {name} in the bindings");

    [Test]
    public void EveryStructHasTheNativeSizeAndFieldOffsets()
    {
        JsonElement manifest = Manifest();
        var csharpNames = manifest.GetProperty("structs").EnumerateArray()
            .ToDictionary(s => s.GetProperty("name").GetString()!, s => s);
        var probed = Probe().GetProperty("structs").EnumerateArray().ToList();
        Assert.That(probed.Select(s => s.GetProperty("name").GetString()), Is.EquivalentTo(csharpNames.Keys),
            "the probe and the bindings know the same structs");
        Assert.Multiple(() =>
        {
            foreach (JsonElement s in probed)
            {
                string name = s.GetProperty("name").GetString()!;
                JsonElement generated = csharpNames[name];
                Type type = ManagedType(generated.GetProperty("csharp").GetString()!);
                Assert.That(Marshal.SizeOf(type), Is.EqualTo(s.GetProperty("size").GetInt32()), $"sizeof({name})");
                var fieldNames = generated.GetProperty("fields").EnumerateArray()
                    .ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("csharp").GetString()!);
                foreach (JsonElement field in s.GetProperty("fields").EnumerateArray())
                {
                    string c = field.GetProperty("name").GetString()!;
                    if (!fieldNames.TryGetValue(c, out string? managed))
                    {
                        Assert.Fail($"{name}.{c} has no managed field");
                        continue;
                    }
                    Assert.That((long)Marshal.OffsetOf(type, managed), Is.EqualTo(field.GetProperty("offset").GetInt64()),
                        $"offsetof({name}, {c})");
                }
                Assert.That(type.GetFields(BindingFlags.Instance | BindingFlags.Public), Has.Length.EqualTo(s.GetProperty("fields").GetArrayLength()),
                    $"field count of {name}");
            }
        });
    }

    [Test]
    public void EveryEnumValueIsTheNativeOne()
    {
        var csharp = Manifest().GetProperty("enums").EnumerateArray().SelectMany(e => e.GetProperty("members").EnumerateArray()
            .Select(m => (C: m.GetProperty("name").GetString()!, Type: e.GetProperty("csharp").GetString()!, Member: m.GetProperty("csharp").GetString()!)))
            .ToDictionary(x => x.C);
        var probed = Probe().GetProperty("enums").EnumerateArray().ToList();
        Assert.That(probed.Select(e => e.GetProperty("name").GetString()), Is.EquivalentTo(csharp.Keys));
        Assert.Multiple(() =>
        {
            foreach (JsonElement e in probed)
            {
                var (_, typeName, member) = csharp[e.GetProperty("name").GetString()!];
                Type type = ManagedType(typeName);
                Assert.That(Enum.GetNames(type), Does.Contain(member), $"{typeName}.{member}");
                if (Enum.GetNames(type).Contains(member))
                {
                    Assert.That(Convert.ToInt64(Enum.Parse(type, member)), Is.EqualTo(e.GetProperty("value").GetInt64()), $"{typeName}.{member}");
                }
            }
        });
    }

    [Test]
    public void EveryFunctionHasABindingWithTheHeadersParameterTypes()
    {
        var bindings = typeof(NativeAbi).Assembly.GetType("P2Gan.Native.NativeMethods")!
            .GetMethods(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttribute<LibraryImportAttribute>() is not null)
            .ToDictionary(m => m.Name);
        var functions = Manifest().GetProperty("functions").EnumerateArray().ToList();
        Assert.That(bindings.Keys, Is.EquivalentTo(functions.Select(f => f.GetProperty("name").GetString())));
        Assert.Multiple(() =>
        {
            foreach (JsonElement f in functions)
            {
                string name = f.GetProperty("name").GetString()!;
                if (!bindings.TryGetValue(name, out MethodInfo? method)) continue;
                var parameters = f.GetProperty("params").EnumerateArray().ToList();
                Assert.That(method.GetParameters(), Has.Length.EqualTo(parameters.Count), $"arity of {name}");
                for (int i = 0; i < Math.Min(parameters.Count, method.GetParameters().Length); i++)
                {
                    string c = parameters[i].GetProperty("type").GetString()!;
                    Type managed = method.GetParameters()[i].ParameterType;
                    Assert.That(Matches(c, managed, name), Is.True, $"{name} parameter {i}: C '{c}' bound as {managed}");
                }
                Assert.That(Matches(f.GetProperty("return").GetString()!, method.ReturnType, name), Is.True, $"{name} return");
            }
        });
    }

    [Test]
    public void TheLoadedLibraryHasTheBindingsAbiMajorAndAtLeastTheirMinor()
    {
        NativeRequirement.Require();
        uint version = NativeMethods.p2gan_abi_version();
        Assert.That(version >> 16, Is.EqualTo(NativeAbi.AbiMajor));
        Assert.That(version & 0xFFFF, Is.GreaterThanOrEqualTo(NativeAbi.AbiMinor));
    }

    /// <summary>The C type -> CLR type rule of the bindings, written out here on its own.</summary>
    private static bool Matches(string c, Type managed, string function)
    {
        string t = c.Replace("const ", "").Trim();
        return t switch
        {
            "void" => managed == typeof(void),
            "p2gan_status" or "int32_t" => managed == typeof(int),
            "uint32_t" => managed == typeof(uint),
            "int64_t" => managed == typeof(long),
            "uint64_t" => managed == typeof(ulong),
            "size_t" => managed == typeof(nuint),
            "float" => managed == typeof(float),
            "double" => managed == typeof(double),
            "void *" => managed == typeof(void*),
            "char *" => c.StartsWith("const", StringComparison.Ordinal) ? managed == typeof(string) || managed == typeof(nint) : managed == typeof(byte*),
            "p2gan_log_callback" => managed.IsFunctionPointer,
            _ when t.EndsWith(" **", StringComparison.Ordinal) => managed.IsByRef && managed.GetElementType()!.Name == SafeHandleName(t[..^3]),
            _ when t.EndsWith(" *", StringComparison.Ordinal) && IsHandle(t[..^2]) =>
                function.EndsWith("_destroy", StringComparison.Ordinal) ? managed == typeof(nint) : managed.Name == SafeHandleName(t[..^2]),
            _ when t.EndsWith(" *", StringComparison.Ordinal) => managed.IsPointer && PointeeMatches(t[..^2], managed.GetElementType()!),
            _ => false,
        };
    }

    private static bool PointeeMatches(string c, Type managed) => c switch
    {
        "float" => managed == typeof(float),
        "double" => managed == typeof(double),
        "int32_t" => managed == typeof(int),
        "int64_t" => managed == typeof(long),
        "size_t" => managed == typeof(nuint),
        _ => managed.Name == "Native" + Pascal(c["p2gan_".Length..]),
    };

    private static bool IsHandle(string c) => c is "p2gan_model" or "p2gan_feature_net" or "p2gan_classifier" or "p2gan_process_group";

    private static string SafeHandleName(string c) => "Safe" + Pascal(c["p2gan_".Length..]) + "Handle";

    private static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Select(w => w.Length == 0 ? "" : char.ToUpperInvariant(w[0]) + w[1..]));
}

using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using P2Gan.Native;
using P2Gan.Tests.Support;

namespace P2Gan.Tests.Native;

/// <summary>Keeps the hand-written bindings in step with p2gan.h, the contract.</summary>
[TestFixture]
public sealed partial class HeaderBindingConsistencyTests
{
    // "P2GAN_API [P2GAN_MUST_USE_RESULT] <return type> p2gan_name(<args>);", possibly over several lines.
    [GeneratedRegex(@"P2GAN_API\s+(?:P2GAN_MUST_USE_RESULT\s+)?[\w\s\*]*?\b(?<name>p2gan_\w+)\s*\((?<args>[^)]*)\)\s*;", RegexOptions.Singleline)]
    private static partial Regex DeclarationPattern();

    private static Dictionary<string, int> HeaderFunctions()
    {
        string text = File.ReadAllText(RepoPaths.Header);
        text = Regex.Replace(text, @"/\*.*?\*/", " ", RegexOptions.Singleline); // comments could hold look-alikes
        var functions = new Dictionary<string, int>();
        foreach (Match m in DeclarationPattern().Matches(text))
        {
            string args = m.Groups["args"].Value.Trim();
            functions[m.Groups["name"].Value] = args is "" or "void" ? 0 : args.Split(',').Length;
        }
        return functions;
    }

    /// <summary>Binding methods by their native entry point name.</summary>
    private static Dictionary<string, MethodInfo> Bindings() =>
        typeof(NativeMethods)
            .GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Select(m => (Method: m, EntryPoint: m.GetCustomAttribute<LibraryImportAttribute>()?.EntryPoint ?? m.Name))
            .Where(x => x.EntryPoint.StartsWith("p2gan_", StringComparison.Ordinal) && !x.Method.Name.Contains('<'))
            .ToDictionary(x => x.EntryPoint, x => x.Method);

    [Test]
    public void HeaderParses()
    {
        Dictionary<string, int> functions = HeaderFunctions();
        Assert.That(functions, Does.ContainKey("p2gan_abi_version").And.ContainKey("p2gan_model_forward"));
        Assert.That(functions["p2gan_abi_version"], Is.EqualTo(0));
        Assert.That(functions["p2gan_model_forward"], Is.EqualTo(18));
    }

    [Test]
    public void EveryHeaderFunctionHasABindingOfTheSameArity()
    {
        Dictionary<string, MethodInfo> bindings = Bindings();
        Assert.Multiple(() =>
        {
            foreach ((string name, int arity) in HeaderFunctions())
            {
                Assert.That(bindings.TryGetValue(name, out MethodInfo? method), Is.True, $"no binding for {name}");
                if (method is not null)
                {
                    Assert.That(method.GetParameters(), Has.Length.EqualTo(arity), $"arity of {name}");
                }
            }
        });
    }

    [Test]
    public void EveryBindingIsDeclaredInTheHeader()
    {
        Dictionary<string, int> header = HeaderFunctions();
        Assert.That(Bindings().Keys, Is.SubsetOf(header.Keys));
    }

    [Test]
    public void AbiVersionConstantMatchesHeader()
    {
        Match m = Regex.Match(File.ReadAllText(RepoPaths.Header), @"#define\s+P2GAN_ABI_VERSION\s+(\d+)");
        Assert.That(m.Success, Is.True);
        Assert.That(uint.Parse(m.Groups[1].Value), Is.EqualTo(NativeAbi.AbiVersion));
    }

    [Test]
    public void StatusConstantsMatchHeader()
    {
        string text = File.ReadAllText(RepoPaths.Header);
        var expected = new Dictionary<string, NativeStatusCode>
        {
            ["OK"] = NativeStatusCode.Ok,
            ["INVALID_ARGUMENT"] = NativeStatusCode.InvalidArgument,
            ["NON_FINITE_INPUT"] = NativeStatusCode.NonFiniteInput,
            ["NON_FINITE_LOSS"] = NativeStatusCode.NonFiniteLoss,
            ["IO_ERROR"] = NativeStatusCode.IOError,
            ["CHECKPOINT_MISMATCH"] = NativeStatusCode.CheckpointMismatch,
            ["DEVICE_ERROR"] = NativeStatusCode.DeviceError,
            ["INTERNAL_ERROR"] = NativeStatusCode.InternalError,
        };
        Assert.Multiple(() =>
        {
            foreach ((string name, NativeStatusCode code) in expected)
            {
                Match m = Regex.Match(text, $@"P2GAN_STATUS_{name}\s*=\s*(\d+)");
                Assert.That(m.Success, Is.True, name);
                Assert.That(int.Parse(m.Groups[1].Value), Is.EqualTo((int)code), name);
            }
        });
    }

    [Test]
    public void ManagedStructSizesMatchTheC_x86_64_Layout()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<NativeModelParams>(), Is.EqualTo(144));
            Assert.That(Marshal.SizeOf<NativeModelParams>(), Is.EqualTo(144));
            Assert.That(Unsafe.SizeOf<NativeStepMetrics>(), Is.EqualTo(48));
            Assert.That(Marshal.SizeOf<NativeStepMetrics>(), Is.EqualTo(48));
            Assert.That(Unsafe.SizeOf<NativeLosses>(), Is.EqualTo(16));
            Assert.That(Marshal.SizeOf<NativeLosses>(), Is.EqualTo(16));
            Assert.That(Marshal.OffsetOf<NativeModelParams>(nameof(NativeModelParams.Seed)), Is.EqualTo((nint)88));
            Assert.That(Marshal.OffsetOf<NativeModelParams>(nameof(NativeModelParams.Device)), Is.EqualTo((nint)96));
            Assert.That(Marshal.OffsetOf<NativeModelParams>(nameof(NativeModelParams.Precision)), Is.EqualTo((nint)128));
            Assert.That(Marshal.OffsetOf<NativeStepMetrics>(nameof(NativeStepMetrics.Step)), Is.EqualTo((nint)8));
            Assert.That(Unsafe.SizeOf<NativeStepTimings>(), Is.EqualTo(64));
            Assert.That(Marshal.SizeOf<NativeStepTimings>(), Is.EqualTo(64));
            Assert.That(Marshal.OffsetOf<NativeStepTimings>(nameof(NativeStepTimings.TransferMs)), Is.EqualTo((nint)8));
            Assert.That(Marshal.OffsetOf<NativeStepTimings>(nameof(NativeStepTimings.TotalMs)), Is.EqualTo((nint)56));
            Assert.That(Unsafe.SizeOf<NativeRuntimeInfo>(), Is.EqualTo(216));
            Assert.That(Marshal.SizeOf<NativeRuntimeInfo>(), Is.EqualTo(216));
            Assert.That(Marshal.OffsetOf<NativeRuntimeInfo>(nameof(NativeRuntimeInfo.CudaAvailable)), Is.EqualTo((nint)20));
            Assert.That(Marshal.OffsetOf<NativeRuntimeInfo>(nameof(NativeRuntimeInfo.LibTorchVersion)), Is.EqualTo((nint)24));
            Assert.That(Marshal.OffsetOf<NativeRuntimeInfo>(nameof(NativeRuntimeInfo.Blas)), Is.EqualTo((nint)56));
        });
    }

    [Test]
    public void EveryBindingResolvesInTheBuiltLibrary()
    {
        nint library = NativeRequirement.Require();
        Assert.Multiple(() =>
        {
            foreach (string entryPoint in Bindings().Keys)
            {
                Assert.That(NativeLibrary.TryGetExport(library, entryPoint, out _), Is.True, $"{entryPoint} not exported");
            }
        });
    }

    [Test]
    public void NativeStructSizeAndAbiVersionAgree()
    {
        NativeRequirement.Require();
        Assert.That(NativeMethods.p2gan_model_default_params().StructSize, Is.EqualTo((uint)Unsafe.SizeOf<NativeModelParams>()));
        Assert.That(NativeMethods.p2gan_abi_version(), Is.EqualTo(NativeAbi.AbiVersion));
    }

    [Test]
    public void NativeDefaultsAreThoseDocumentedInTheHeader()
    {
        NativeRequirement.Require();
        var o = new ModelOptions();
        Assert.Multiple(() =>
        {
            Assert.That(o.Resolution, Is.EqualTo(32));
            Assert.That(o.Channels, Is.EqualTo(3));
            Assert.That(o.BaseChannels, Is.EqualTo(64));
            Assert.That(o.NoiseDim, Is.EqualTo(128));
            Assert.That(o.PosteriorDim, Is.EqualTo(128));
            Assert.That(o.AdainMode, Is.EqualTo(AdainMode.Statistics));
            Assert.That(o.DistanceEstimator, Is.EqualTo(DistanceEstimator.ClosedForm));
            Assert.That(o.LambdaZ, Is.EqualTo(10f));
            Assert.That(o.Device, Is.EqualTo("cpu"));
        });
    }
}

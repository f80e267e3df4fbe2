using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace P2Gan.Native;

/// <summary>
/// Finds libp2gan for the LibraryImport declarations of this assembly, in this order:
/// the P2GAN_NATIVE_LIBRARY environment variable (a full path; when set nothing else is
/// tried), the folder of this assembly, runtimes/&lt;rid&gt;/native/ below it, then the
/// runtime's default probing. Every attempt is recorded and reported when all fail.
/// Once loaded, the library's p2gan_abi_version() must have the ABI major these bindings
/// were generated for and at least their minor.
/// </summary>
/// <remarks>It installs itself when the assembly loads; callers need it only to fail early
/// (<see cref="EnsureLoaded"/>) or to report which file was loaded (<see cref="LoadedFrom"/>).
/// Public on purpose: README.md, the package readme and examples/QuickStart use it.</remarks>
public static class NativeLibraryResolver
{
    /// <summary>Environment variable naming the native library file to load: a full path to
    /// libp2gan.so (p2gan.dll, libp2gan.dylib). When it is set, no other place is tried.</summary>
    public const string OverrideVariable = "P2GAN_NATIVE_LIBRARY";

    private static readonly object Gate = new();
    private static nint s_handle;
    private static string? s_loadedFrom;

    /// <summary>The full path the native library was loaded from ("default probing (p2gan)"
    /// when only the runtime's own search found it); null until the first native call or
    /// <see cref="EnsureLoaded"/>. Thread-safe.</summary>
    public static string? LoadedFrom => s_loadedFrom;

    // A module initializer runs before any code of this assembly, so the resolver is in
    // place before the first LibraryImport stub binds.
    // CA2255 warns libraries off module initializers; installing this assembly's own
    // DllImport resolver before its first P/Invoke is the case they exist for.
#pragma warning disable CA2255
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Install()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
    }

    /// <summary>Loads (once per process) and ABI-checks the native library; call it at start-up
    /// to fail early. Thread-safe; later calls return the same handle.</summary>
    /// <returns>The OS handle of the library. It stays loaded for the life of the process:
    /// do not free it.</returns>
    /// <exception cref="DllNotFoundException">No candidate loaded; the message lists every attempt.</exception>
    /// <exception cref="P2GanAbiMismatchException">The library has another ABI major, or an older minor.</exception>
    public static nint EnsureLoaded()
    {
        lock (Gate)
        {
            if (s_handle != 0)
            {
                return s_handle;
            }
            // Before LibTorch's OpenMP runtime loads with the library: it reads the policy once.
            OpenMpWaitPolicy.ApplyDefault();
            var trace = new List<string>();
            nint handle = TryLoadAll(trace, out string? loadedFrom);
            if (handle == 0)
            {
                string? hint = MissingDependencyHint(string.Join(Environment.NewLine, trace));
                throw new DllNotFoundException(
                    $"Could not load the P2GAN native library '{PlatformFileName()}'. " +
                    (hint is null
                        ? $"Set {OverrideVariable} to its full path or place it next to P2Gan.Native.dll. "
                        : hint + " ") +
                    "Attempts:" +
                    Environment.NewLine + "  " + string.Join(Environment.NewLine + "  ", trace));
            }
            CheckAbiVersion(handle, loadedFrom!);
            s_loadedFrom = loadedFrom;
            s_handle = handle;
            return handle;
        }
    }

    /// <summary>The file name of the native library on this platform.</summary>
    internal static string PlatformFileName()
    {
        if (OperatingSystem.IsWindows()) return "p2gan.dll";
        if (OperatingSystem.IsMacOS()) return "libp2gan.dylib";
        return "libp2gan.so";
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        return libraryName == NativeAbi.LibraryName ? EnsureLoaded() : 0;
    }

    private static nint TryLoadAll(List<string> trace, out string? loadedFrom)
    {
        string? overridePath = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            // An explicit override that fails must not silently fall back to another copy.
            return TryLoadPath(overridePath, $"{OverrideVariable}", trace, out loadedFrom);
        }

        string fileName = PlatformFileName();
        string assemblyDir = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        // Location is "" in single-file apps; AppContext.BaseDirectory covers that case.
#pragma warning disable IL3000
        string? bindingsDir = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location);
#pragma warning restore IL3000
        var directories = new List<string>();
        if (!string.IsNullOrEmpty(bindingsDir)) directories.Add(bindingsDir);
        if (!directories.Contains(assemblyDir)) directories.Add(assemblyDir);

        foreach (string dir in directories)
        {
            nint h = TryLoadPath(Path.Combine(dir, fileName), "next to the assembly", trace, out loadedFrom);
            if (h != 0) return h;
        }
        foreach (string dir in directories)
        {
            foreach (string rid in CandidateRids())
            {
                string path = Path.Combine(dir, "runtimes", rid, "native", fileName);
                nint h = TryLoadPath(path, "runtimes folder", trace, out loadedFrom);
                if (h != 0) return h;
            }
        }

        if (NativeLibrary.TryLoad(NativeAbi.LibraryName, typeof(NativeLibraryResolver).Assembly, null, out nint probed))
        {
            trace.Add($"default probing for '{NativeAbi.LibraryName}': loaded");
            loadedFrom = $"default probing ({NativeAbi.LibraryName})";
            return probed;
        }
        trace.Add($"default probing for '{NativeAbi.LibraryName}': failed");
        loadedFrom = null;
        return 0;
    }

    private static nint TryLoadPath(string path, string how, List<string> trace, out string? loadedFrom)
    {
        loadedFrom = null;
        if (!File.Exists(path))
        {
            trace.Add($"{path} ({how}): not found");
            return 0;
        }
        try
        {
            nint handle = NativeLibrary.Load(path);
            trace.Add($"{path} ({how}): loaded");
            loadedFrom = path;
            return handle;
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            // Keep the loader's reason: usually a missing dependency such as libtorch.
            trace.Add($"{path} ({how}): exists but failed to load: {e.Message}");
            return 0;
        }
    }

    /// <summary>
    /// The Debian package that provides each shared library libp2gan.so links (by the file
    /// name before ".so"), for the message of a library that exists but does not load. The
    /// packages ship LibTorch's libraries only through the system, never in a NuGet package.
    /// </summary>
    private static readonly Dictionary<string, string> DebianPackageOf = new(StringComparer.Ordinal)
    {
        ["libtorch_cpu"] = "libtorch-dev",   // the runtime files are in libtorch1.13
        ["libtorch"] = "libtorch-dev",
        ["libc10"] = "libtorch-dev",
        ["libblas"] = "libopenblas0-pthread",
        ["libopenblas"] = "libopenblas0-pthread",
        ["libgomp"] = "libgomp1",
        ["libstdc++"] = "libstdc++6",
    };

    private static readonly System.Text.RegularExpressions.Regex MissingLibraryPattern = new(
        @"(?<name>[A-Za-z0-9_+\-]+)\.so[0-9.]*: cannot open shared object file",
        System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>
    /// From the loader's message of a library that exists but failed to load, the sentence
    /// naming the missing shared libraries and the Debian packages to install, or null when
    /// no missing library with a known package is named.
    /// </summary>
    internal static string? MissingDependencyHint(string loaderMessage)
    {
        var missing = new List<string>();
        var packages = new List<string>();
        foreach (System.Text.RegularExpressions.Match match in MissingLibraryPattern.Matches(loaderMessage))
        {
            string file = match.Value[..match.Value.IndexOf(':')];
            if (!DebianPackageOf.TryGetValue(match.Groups["name"].Value, out string? package)) continue;
            if (!missing.Contains(file)) missing.Add(file);
            if (!packages.Contains(package)) packages.Add(package);
        }
        if (missing.Count == 0) return null;
        // OpenBLAS is LibTorch's fast BLAS (docs/decisions.md); name it with LibTorch.
        if (packages.Contains("libtorch-dev") && !packages.Contains("libopenblas0-pthread")) packages.Add("libopenblas0-pthread");
        return $"It exists but needs {string.Join(", ", missing)}, which the system does not have: " +
               "LibTorch is not shipped with P2Gan. On Debian/Ubuntu install it with " +
               $"'sudo apt install {string.Join(' ', packages)}'.";
    }

    /// <summary>The current RID first, then the portable os-arch RID.</summary>
    private static IEnumerable<string> CandidateRids()
    {
        string current = RuntimeInformation.RuntimeIdentifier;
        yield return current;
        string os = OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "linux";
        string arch = RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        string portable = $"{os}-{arch}";
        if (portable != current) yield return portable;
    }

    /// <summary>Whether a library reporting <paramref name="libraryVersion"/> ((major &lt;&lt; 16) | minor)
    /// can serve these bindings: the same major, and a minor at least theirs (minors only add).</summary>
    internal static bool IsCompatible(uint libraryVersion) =>
        libraryVersion >> 16 == NativeAbi.AbiMajor && (libraryVersion & 0xFFFF) >= NativeAbi.AbiMinor;

    /// <summary>Probe call through a raw export (not the LibraryImport stub, which would
    /// re-enter the resolver) to refuse a library built for another ABI.</summary>
    private static unsafe void CheckAbiVersion(nint handle, string loadedFrom)
    {
        if (!NativeLibrary.TryGetExport(handle, "p2gan_abi_version", out nint export))
        {
            throw new P2GanAbiMismatchException(
                $"'{loadedFrom}' does not export p2gan_abi_version; it is not a P2GAN native library.");
        }
        uint version = ((delegate* unmanaged[Cdecl]<uint>)export)();
        uint major = version >> 16;
        uint minor = version & 0xFFFF;
        if (!IsCompatible(version))
        {
            throw new P2GanAbiMismatchException(
                $"'{loadedFrom}' implements P2GAN ABI version {major}.{minor}, but these bindings need version " +
                $"{NativeAbi.AbiMajor}.{NativeAbi.AbiMinor} (the same major and at least that minor). " +
                "Rebuild the native library and the .NET projects from the same sources.");
        }
    }
}

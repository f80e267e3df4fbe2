namespace P2Gan.Native;

// The ABI version, the struct sizes and every enum of p2gan.h are generated into
// Generated/NativeStructs.g.cs and Generated/Enums.g.cs by bindings/generator/p2gan_bindgen.py.

/// <summary>ABI facts the managed side was written against.</summary>
internal static partial class NativeAbi
{
    /// <summary>Base name passed to LibraryImport; the resolver maps it to the platform file name.</summary>
    public const string LibraryName = "p2gan";
}

using System.Runtime.CompilerServices;

// Every struct that crosses the ABI is blittable; disabling runtime marshalling makes the
// compiler and the LibraryImport generator enforce that instead of silently copying.
[assembly: DisableRuntimeMarshalling]

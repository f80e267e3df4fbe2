# The PowerShell counterpart of build.sh, with the same commands (Windows, and PowerShell 7 on
# Linux/macOS: `dotnet tool restore && dotnet pwsh build.ps1 test`).
#   .\build.ps1            build native + managed (on Linux: install missing packages first)
#   .\build.ps1 train ...  build, then run the default training job (extra args go to `p2gan train`)
#   .\build.ps1 test       build, then run every test (CTest for native, dotnet test for managed),
#                          then pack and run the NuGet example (examples/QuickStart)
#   .\build.ps1 pack       write the NuGet packages to artifacts/packages, after building everything
#   .\build.ps1 example    build and pack, then restore, build and run examples/QuickStart
#   .\build.ps1 deps       only install the system packages
#   .\build.ps1 bench-deps also install what bench/compare.sh needs
#   .\build.ps1 bindings   regenerate the .NET bindings, option types and native settings table
#   .\build.ps1 help       this text (also -h, --help)
# On Linux the package lists live in build.sh only: deps, bench-deps and bindings call it.
# Windows has no system packages: point Torch_DIR at a LibTorch (share/cmake/Torch), and
# nlohmann_json_DIR / GTest_DIR at those packages (vcpkg provides both). The dataset for the
# main job is passed with --dataset fashion-mnist:<folder>.
# No param() block on purpose: the command is checked below (a clear message and exit code 2,
# not a parameter binding error), and the rest (--steps 5 ...) goes to `p2gan train` verbatim.
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
# Exit codes of native commands are checked explicitly (Invoke-Checked), the same on every PowerShell.
$PSNativeCommandUseErrorActionPreference = $false

$Root = $PSScriptRoot
$BuildDir = Join-Path $Root 'artifacts/native-build'
$NativeDir = Join-Path $Root 'artifacts/native'
$Config = if ($env:P2GAN_CONFIGURATION) { $env:P2GAN_CONFIGURATION } else { 'Release' }
$Jobs = [Environment]::ProcessorCount
# Windows PowerShell 5.1 has no $IsWindows/$IsLinux/$IsMacOS (and StrictMode rejects unknown variables).
$OnWindows = ($PSVersionTable.PSVersion.Major -lt 6) -or $IsWindows
$OnLinux = (-not $OnWindows) -and $IsLinux
$OnMacOS = (-not $OnWindows) -and $IsMacOS
$env:DOTNET_CLI_TELEMETRY_OPTOUT = '1'
$env:DOTNET_NOLOGO = '1'

$Usage = @'
usage: build.ps1 [command] [options]
  build               install missing system packages (Linux), build native + managed (default)
  train [options]     build, then run artifacts/bin/p2gan train [options]
  test                build, run CTest and dotnet test, then pack and run examples/QuickStart
  pack                build, then write the NuGet packages to artifacts/packages
  example             build and pack, then restore, build and run examples/QuickStart
  deps                only install the system packages (Linux: build.sh deps)
  bench-deps          also install what bench/compare.sh needs (Linux: build.sh bench-deps)
  test-deps           only install what the tests need beyond the build (Linux: build.sh test-deps)
  bindings            regenerate the .NET bindings from native/include/p2gan/p2gan.h
  help, -h, --help    this text
Configuration: $env:P2GAN_CONFIGURATION (default Release). On Windows, LibTorch comes from $env:Torch_DIR.
'@

function Write-Step([string]$Message) { Write-Host "`n==> $Message" }

# Runs a native command and throws on a non-zero exit code.
function Invoke-Checked([string]$Exe, [string[]]$Arguments = @(), [switch]$Quiet) {
    if ($Quiet) { & $Exe @Arguments | Out-Null } else { & $Exe @Arguments }
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

# The system packages: on Linux build.sh owns the Debian package lists, elsewhere there are none.
function Install-Deps([string]$Which = 'deps') {
    if ($OnLinux) {
        Invoke-Checked bash @((Join-Path $Root 'build.sh'), $Which)
    } elseif ($OnWindows) {
        Write-Host "Windows: no system packages to install. LibTorch comes from Torch_DIR (share/cmake/Torch of a LibTorch);"
        Write-Host "nlohmann_json_DIR and GTest_DIR point at those packages (vcpkg provides both)."
        if ($Which -eq 'bench-deps') { Write-Host "bench/compare.sh's eager baseline needs PyTorch: pip install torch." }
    } else {
        Write-Host "macOS: no system packages are installed by this script; point Torch_DIR at a LibTorch."
    }
}


function Get-NativeLibraryName {
    if ($OnWindows) { 'p2gan.dll' } elseif ($OnMacOS) { 'libp2gan.dylib' } else { 'libp2gan.so' }
}

function Build-Native {
    Write-Step "native core (CMake, $Config)"
    $configure = @('-S', $Root, '-B', $BuildDir, "-DCMAKE_BUILD_TYPE=$Config")
    if ($env:Torch_DIR) { $configure += "-DTorch_DIR=$($env:Torch_DIR)" }
    elseif ($OnWindows) { Write-Warning 'Torch_DIR is not set: CMake needs it to find LibTorch (share/cmake/Torch).' }
    Invoke-Checked cmake $configure -Quiet
    Invoke-Checked cmake @('--build', $BuildDir, '--config', $Config, '-j', "$Jobs")
    # Visual Studio (multi-config) generators put the outputs under a configuration folder
    # (artifacts/native/Release/p2gan.dll); the bindings and the tests look in artifacts/native.
    $configDir = Join-Path $NativeDir $Config
    if (Test-Path -LiteralPath $configDir -PathType Container) {
        foreach ($name in @('p2gan.dll', 'p2gan.pdb', 'p2gan.lib', 'p2gan-bench-native.exe', 'p2gan-abi-probe.exe')) {
            $source = Join-Path $configDir $name
            if (Test-Path -LiteralPath $source -PathType Leaf) { Copy-Item -LiteralPath $source -Destination $NativeDir -Force }
        }
    }
}

function Build-Managed {
    Write-Step "managed SDK, trainer and tests (dotnet, $Config)"
    Invoke-Checked dotnet @('build', (Join-Path $Root 'P2Gan.sln'), '-c', $Config, '-nologo', '-v', 'quiet')
}

function Build-All {
    Install-Deps 'deps'
    Build-Native
    Build-Managed
}

# The NuGet packages, all with the version in version.txt: P2Gan (SDK) -> P2Gan.Native
# (bindings) -> P2Gan.Native.linux-x64 (the only native runtime package so far).
function Invoke-Pack {
    if (-not $OnLinux) {
        throw 'pack: the only native runtime package is P2Gan.Native.linux-x64 (libp2gan.so); pack on Linux (./build.sh pack or dotnet pwsh build.ps1 pack).'
    }
    $version = (Get-Content -Raw -LiteralPath (Join-Path $Root 'version.txt')).Trim()
    $packages = Join-Path $Root 'artifacts/packages'
    $lib = Join-Path $NativeDir (Get-NativeLibraryName)
    Write-Step "NuGet packages $version -> artifacts/packages"
    if (-not (Test-Path -LiteralPath $lib -PathType Leaf)) { throw "$lib is missing; build it first (build.ps1)" }
    # The native version string is compiled in (CMake reads version.txt too); a stale build differs.
    $bytes = [System.IO.File]::ReadAllBytes($lib)
    if ([System.Text.Encoding]::Latin1.GetString($bytes).IndexOf($version, [StringComparison]::Ordinal) -lt 0) {
        Write-Warning "$lib does not carry version $version; rebuild it (build.ps1)"
    }
    if (Test-Path -LiteralPath $packages) { Remove-Item -LiteralPath $packages -Recurse -Force }
    foreach ($project in @('bindings/P2Gan.Native.linux-x64/P2Gan.Native.linux-x64.csproj',
                           'bindings/P2Gan.Native/P2Gan.Native.csproj', 'managed/P2Gan/P2Gan.csproj')) {
        Invoke-Checked dotnet @('pack', (Join-Path $Root $project), '-c', $Config, '-o', $packages, '-nologo', '-v', 'quiet')
    }
    Get-ChildItem -LiteralPath $packages -Name
}

# examples/QuickStart as a new user runs it: the packages just packed, restored from the local
# feed (examples/nuget.config) into a private, fresh package folder, and no P2GAN_NATIVE_LIBRARY.
function Invoke-Example {
    Invoke-Pack
    $project = Join-Path $Root 'examples/QuickStart'
    $cache = Join-Path $Root 'artifacts/example-packages'
    $out = Join-Path $Root 'artifacts/example-out'
    Write-Step 'examples/QuickStart from artifacts/packages'
    foreach ($dir in @($cache, $out, (Join-Path $project 'bin'), (Join-Path $project 'obj'))) {
        if (Test-Path -LiteralPath $dir) { Remove-Item -LiteralPath $dir -Recurse -Force }
    }
    Invoke-Checked dotnet @('restore', $project, '--packages', $cache, '-v', 'quiet')
    Invoke-Checked dotnet @('build', $project, '-c', $Config, '--no-restore', '-nologo', '-v', 'quiet')
    $saved = $env:P2GAN_NATIVE_LIBRARY
    try {
        Remove-Item -LiteralPath Env:P2GAN_NATIVE_LIBRARY -ErrorAction SilentlyContinue
        Invoke-Checked dotnet @('run', '--project', $project, '-c', $Config, '--no-build', '--', $out, '3')
    } finally {
        if ($null -ne $saved) { $env:P2GAN_NATIVE_LIBRARY = $saved }
    }
    foreach ($png in @('samples.png', 'interpolation.png')) {
        $file = Join-Path $out $png
        if (-not ((Test-Path -LiteralPath $file -PathType Leaf) -and (Get-Item -LiteralPath $file).Length -gt 0)) {
            throw 'QuickStart wrote no PNG grids'
        }
    }
}

function Invoke-Tests {
    Write-Step 'native tests (CTest + GoogleTest)'
    Invoke-Checked ctest @('--test-dir', $BuildDir, '-C', $Config, '--output-on-failure', '-j', "$Jobs")
    Write-Step 'managed tests (NUnit)'
    # Tests that need the native library fail (not skip) when it is missing.
    $saved = $env:P2GAN_REQUIRE_NATIVE
    try {
        $env:P2GAN_REQUIRE_NATIVE = '1'
        Invoke-Checked dotnet @('test', (Join-Path $Root 'P2Gan.sln'), '-c', $Config, '--no-build', '-nologo')
    } finally {
        $env:P2GAN_REQUIRE_NATIVE = $saved
    }
    if ($OnLinux) { Invoke-Example }
    else { Write-Warning 'examples/QuickStart skipped: its packages carry only the linux-x64 native library.' }
}

function Invoke-Bindings {
    if ($OnLinux) { Invoke-Checked bash @((Join-Path $Root 'build.sh'), 'bindings'); return }
    Write-Step 'bindings from p2gan.h'
    # Elsewhere: a Python 3 with the clang bindings and libclang 14 (pip install clang==14.0 libclang==14.0.6).
    $python = @('python3', 'python', 'py') | Where-Object { Get-Command $_ -ErrorAction SilentlyContinue } | Select-Object -First 1
    if (-not $python) { throw 'bindings: no python3/python/py on PATH (the generator needs Python 3 with libclang 14).' }
    Invoke-Checked $python @((Join-Path $Root 'bindings/generator/p2gan_bindgen.py'), '--root', $Root)
}

$Command = if ($args.Count -gt 0) { [string]$args[0] } else { 'build' }
$Rest = [string[]]@(if ($args.Count -gt 1) { $args[1..($args.Count - 1)] })

try {
    switch -CaseSensitive ($Command) {
        'build' { Build-All }
        'train' {
            Build-All
            $exe = Join-Path $Root ($(if ($OnWindows) { 'artifacts/bin/p2gan.exe' } else { 'artifacts/bin/p2gan' }))
            Write-Step "training: artifacts/bin/p2gan train $($Rest -join ' ')"
            Invoke-Checked $exe (@('train') + $Rest)
        }
        'test' {
            if ($OnLinux) { Install-Deps 'test-deps' }
            Build-All
            Invoke-Tests
        }
        'pack' { Build-All; Invoke-Pack }
        'example' { Build-All; Invoke-Example }
        'deps' { Install-Deps 'deps' }
        'bench-deps' { Install-Deps 'bench-deps' }
        'test-deps' { Install-Deps 'test-deps' }
        'bindings' { Invoke-Bindings }
        { $_ -in @('help', '-h', '--help', '-help', '/?') } { Write-Host $Usage; exit 0 }
        default {
            [Console]::Error.WriteLine("build.ps1: unknown command '$Command'")
            [Console]::Error.WriteLine($Usage)
            exit 2
        }
    }
} catch {
    [Console]::Error.WriteLine("build.ps1: error: $($_.Exception.Message)")
    exit 1
}
exit 0

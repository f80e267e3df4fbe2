# Windows counterpart of build.sh: build, test and run P2Gan.
#   .\build.ps1            build native + managed
#   .\build.ps1 train ...  build, then run the default training job (extra args go to `p2gan train`)
#   .\build.ps1 test       build, then run every test (CTest, dotnet test)
# Windows has no Debian packages: point Torch_DIR at a LibTorch (share/cmake/Torch), and
# nlohmann_json_DIR / GTest_DIR at those packages (vcpkg provides both). The dataset
# for the main job is passed with --Dataset fashion-mnist:<folder>.
param(
    [Parameter(Position = 0)][ValidateSet('build', 'train', 'test')][string]$Command = 'build',
    [Parameter(Position = 1, ValueFromRemainingArguments = $true)][string[]]$Rest = @()
)
$ErrorActionPreference = 'Stop'
$Root = $PSScriptRoot
$BuildDir = Join-Path $Root 'artifacts/native-build'
$Config = if ($env:P2GAN_CONFIGURATION) { $env:P2GAN_CONFIGURATION } else { 'Release' }

function Invoke-Checked([string]$Exe, [string[]]$Arguments) {
    & $Exe @Arguments
    if ($LASTEXITCODE -ne 0) { throw "$Exe $($Arguments -join ' ') failed with exit code $LASTEXITCODE" }
}

function Build-Native {
    Write-Host "`n==> native core (CMake, $Config)"
    $configure = @('-S', $Root, '-B', $BuildDir, "-DCMAKE_BUILD_TYPE=$Config")
    if ($env:Torch_DIR) { $configure += "-DTorch_DIR=$($env:Torch_DIR)" }
    Invoke-Checked cmake $configure
    Invoke-Checked cmake @('--build', $BuildDir, '--config', $Config, '-j', [Environment]::ProcessorCount)
}

function Build-Managed {
    Write-Host "`n==> managed SDK, trainer and tests (dotnet, $Config)"
    Invoke-Checked dotnet @('build', (Join-Path $Root 'P2Gan.sln'), '-c', $Config, '-nologo', '-v', 'quiet')
}

function Invoke-Tests {
    Write-Host "`n==> native tests (CTest + GoogleTest)"
    Invoke-Checked ctest @('--test-dir', $BuildDir, '-C', $Config, '--output-on-failure')
    Write-Host "`n==> managed tests (NUnit)"
    $env:P2GAN_REQUIRE_NATIVE = '1'
    Invoke-Checked dotnet @('test', (Join-Path $Root 'P2Gan.sln'), '-c', $Config, '--no-build', '-nologo')
}

Build-Native
Build-Managed
switch ($Command) {
    'test' { Invoke-Tests }
    'train' {
        $exe = Join-Path $Root 'artifacts/bin/p2gan.exe'
        Invoke-Checked $exe (@('train') + $Rest)
    }
}

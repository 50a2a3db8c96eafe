#Requires -Version 7.6
<#
.SYNOPSIS
    Builds, tests and lays out the ObservatoryBackup module.

.DESCRIPTION
    Needs only the .NET SDK. Uses .NET APIs and PowerShell's core cmdlets, so it runs in any
    PowerShell 7.6 host.

    Build    compiles and lays the module out as users get it, under
             <OutputPath>/ObservatoryBackup/<version>: manifest, cmdlet assembly, format views and
             help, with the engine and its dependencies in Dependencies/ (loaded in the module's own
             AssemblyLoadContext, so other modules' versions of them cannot clash).
             That folder is what Import-Module takes, and what goes into a PSModulePath folder.
    Test     runs the README's test command (dotnet test ObservatoryBackup.sln).
    Package  Build, plus the obs-backup .NET tool packages under <OutputPath>/packages: on Linux x64
             the native executable (needs clang), and the portable build for other platforms.
    Clean    removes <OutputPath>.

.EXAMPLE
    ./build.ps1
    Import-Module ./out/ObservatoryBackup/0.1.0/ObservatoryBackup.psd1

.EXAMPLE
    ./build.ps1 -Task Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Build', 'Test', 'Package', 'Clean')]
    [string] $Task = 'Build',

    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    [string] $OutputPath = [System.IO.Path]::Combine($PSScriptRoot, 'out')
)

$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0

function Invoke-Dotnet {
    param([Parameter(Mandatory)] [string[]] $Arguments)
    $PSCmdlet.WriteVerbose("dotnet $($Arguments -join ' ')")
    & dotnet @Arguments
    if ($LASTEXITCODE -ne 0) { throw "dotnet $($Arguments -join ' ') failed with exit code $LASTEXITCODE." }
}

function Get-ModuleVersion {
    # Import-PowerShellDataFile reads the manifest the same way; the parser keeps this script to core PowerShell
    $path = [System.IO.Path]::Combine($PSScriptRoot, 'ObservatoryBackup.psd1')
    $tokens = $null; $errors = $null
    $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref] $tokens, [ref] $errors)
    if ($errors) { throw "ObservatoryBackup.psd1 does not parse: $($errors[0])" }
    $ast.Find({ param($a) $a -is [System.Management.Automation.Language.HashtableAst] }, $false).SafeGetValue()['ModuleVersion']
}

$OutputPath = [System.IO.Path]::GetFullPath($OutputPath)
$solution = [System.IO.Path]::Combine($PSScriptRoot, 'ObservatoryBackup.sln')

switch ($Task) {
    'Clean' {
        if ([System.IO.Directory]::Exists($OutputPath)) { [System.IO.Directory]::Delete($OutputPath, $true) }
    }
    'Test' {
        Invoke-Dotnet @('test', $solution)
    }
    default {
        $moduleDir = [System.IO.Path]::Combine($OutputPath, 'ObservatoryBackup', (Get-ModuleVersion))
        if ([System.IO.Directory]::Exists($moduleDir)) { [System.IO.Directory]::Delete($moduleDir, $true) }
        $project = [System.IO.Path]::Combine($PSScriptRoot, 'src', 'ObservatoryBackup.PowerShell', 'ObservatoryBackup.PowerShell.csproj')
        # the project's LayOutModule target puts the engine and its dependencies under Dependencies/
        Invoke-Dotnet @('build', $project, '-c', $Configuration, "-p:ModuleLayoutDir=$moduleDir$([System.IO.Path]::DirectorySeparatorChar)")

        $manifest = Test-ModuleManifest -Path ([System.IO.Path]::Combine($moduleDir, 'ObservatoryBackup.psd1'))
        if ($Task -eq 'Package') {
            $cli = [System.IO.Path]::Combine($PSScriptRoot, 'src', 'ObservatoryBackup.Cli', 'ObservatoryBackup.Cli.csproj')
            $packages = [System.IO.Path]::Combine($OutputPath, 'packages')
            # the tool's package points at one per platform: the native executable for linux-x64 (built
            # only on linux-x64, with clang), and the portable build that every other platform installs
            $rids = @('any')
            if ([System.Runtime.InteropServices.RuntimeInformation]::RuntimeIdentifier -eq 'linux-x64') { $rids += 'linux-x64' }
            Invoke-Dotnet @('pack', $cli, '-c', $Configuration, '-o', $packages)
            foreach ($rid in $rids) { Invoke-Dotnet @('pack', $cli, '-c', $Configuration, '-r', $rid, '-o', $packages) }
        }
        [Console]::WriteLine("ObservatoryBackup $($manifest.Version) laid out in $moduleDir")
    }
}

using System.Text.RegularExpressions;

namespace BuddyOS.Tests.Kernel;

/// <summary>
/// A kernel author's project outside the BuddyOS tree, built the way its author builds it: `dotnet build` in its own
/// folder, with a nuget.config naming the feed the BuddyOS build packs the SDK into (out/packages). Restores stay
/// on this machine and inside this checkout: the project's NuGet folder is out/user-kernel-nuget/packages (the
/// SDK is extracted there afresh once per test run, so a repack is always what is built), and ilc and the runtime
/// pack come from a feed of links to the copies the kernel build already restored.
/// </summary>
public sealed partial class UserKernelProject : IDisposable
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    private static readonly Lazy<string> s_nugetConfig = new(PrepareNuGet);

    public string Directory { get; }
    public string Name { get; }

    private UserKernelProject(string name)
    {
        Name = name;
        Directory = Path.Combine(Path.GetTempPath(), $"buddyos-user-kernel-{name}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
    }

    // The test's own NuGet setup in place of the author's nuget.config.
    private void UseTestNuGet() => File.WriteAllText(Path.Combine(Directory, "nuget.config"), s_nugetConfig.Value);

    public static string RepoRoot => KernelFixture.FindRepoRoot();
    public static string Feed => Path.Combine(RepoRoot, "out", "packages");

    /// <summary>The version of the SDK package the build packed (the one nupkg in out/packages).</summary>
    public static string PackedSdkVersion()
    {
        var packages = System.IO.Directory.Exists(Feed) ? System.IO.Directory.GetFiles(Feed, "BuddyOS.Sdk.*.nupkg") : Array.Empty<string>();
        if (packages.Length != 1)
            throw new InvalidOperationException($"expected one BuddyOS.Sdk package in {Feed}, found {packages.Length}: build BuddyOS.sln first (it packs the SDK)");
        return Path.GetFileNameWithoutExtension(packages[0])["BuddyOS.Sdk.".Length..];
    }

    /// <summary>A new project folder holding copies of <paramref name="files"/> (paths in the repository), and a nuget.config.</summary>
    public static UserKernelProject FromRepository(string name, params string[] files)
    {
        var project = new UserKernelProject(name);
        System.IO.Directory.CreateDirectory(project.Directory);
        foreach (var file in files)
            File.Copy(Path.Combine(RepoRoot, file), Path.Combine(project.Directory, Path.GetFileName(file)));
        project.UseTestNuGet();
        return project;
    }

    /// <summary>
    /// A new project made by `dotnet new buddyos-kernel -n NAME --feed out/packages` from templates/buddyos-kernel,
    /// installed into a template hive of this run's own (the user's dotnet new setup is left alone). Returns the
    /// project and the nuget.config the template wrote (then replaced by the test's).
    /// </summary>
    public static async Task<(UserKernelProject Project, string TemplateNuGetConfig)> FromTemplateAsync(string name)
    {
        var hive = Path.Combine(RepoRoot, "out", "user-kernel-nuget", "template-hive");
        var install = await DotNet(RepoRoot, "new", "install", Path.Combine(RepoRoot, "templates", "buddyos-kernel"), "--force", "--debug:custom-hive", hive);
        if (install.ExitCode != 0)
            throw new InvalidOperationException($"dotnet new install templates/buddyos-kernel exited {install.ExitCode}:\n{install.StartError ?? install.Output}");
        var project = new UserKernelProject(name);
        var create = await DotNet(RepoRoot, "new", "buddyos-kernel", "-n", name, "-o", project.Directory, "--feed", Feed, "--debug:custom-hive", hive);
        if (create.ExitCode != 0)
            throw new InvalidOperationException($"dotnet new buddyos-kernel exited {create.ExitCode}:\n{create.StartError ?? create.Output}");
        var config = File.ReadAllText(Path.Combine(project.Directory, "nuget.config"));
        project.UseTestNuGet();
        return (project, config);
    }

    public void Write(string file, string text) => File.WriteAllText(Path.Combine(Directory, file), text);

    public string Iso => Path.Combine(Directory, "bin", "Debug", "net10.0", Name + ".iso");

    /// <summary>`dotnet build` in the project's folder.</summary>
    // No build servers or reused nodes: a lingering MSBuild node would keep the output pipe open.
    public Task<ProcessOutcome> BuildAsync() =>
        DotNet(Directory, "build", "-nologo", "-nodeReuse:false", "--disable-build-servers", "-v:minimal");

    private static Task<ProcessOutcome> DotNet(string cwd, params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        return ProcessRunner.RunAsync(dotnet, args, cwd, BuildTimeout);
    }

    public static string Describe(ProcessOutcome run, string what) =>
        $"{what} " + (run.TimedOut ? "timed out" : $"exited {run.ExitCode}") + $":\n{KernelFixture.Tail(run.StartError ?? run.Output, 60)}";

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }

    [GeneratedRegex(@"<KernelDotNetVersion>(?<v>[^<]+)</KernelDotNetVersion>")]
    private static partial Regex DotNetVersion();

    // The NuGet setup every user project of this run shares; made once per run.
    private static string PrepareNuGet()
    {
        var root = Path.Combine(RepoRoot, "out", "user-kernel-nuget");
        var packages = Path.Combine(root, "packages");
        var links = Path.Combine(root, "feed");
        // A stale extraction of the SDK (same version, older contents) would be used as it is: extract anew.
        if (System.IO.Directory.Exists(Path.Combine(packages, "buddyos.sdk")))
            System.IO.Directory.Delete(Path.Combine(packages, "buddyos.sdk"), recursive: true);
        var targets = File.ReadAllText(Path.Combine(RepoRoot, "sdk", "BuddyOS.Sdk", "Sdk", "KernelImage.targets"));
        var version = DotNetVersion().Match(targets).Groups["v"].Value;
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } p
            ? p : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        foreach (var id in new[] { "runtime.linux-x64.microsoft.dotnet.ilcompiler", "microsoft.netcore.app.runtime.nativeaot.linux-x64" })
        {
            var source = Path.Combine(cache, id, version);
            if (!File.Exists(Path.Combine(source, $"{id}.{version}.nupkg")))
                throw new InvalidOperationException($"{source} has no {id}.{version}.nupkg: the kernel build restores it; build BuddyOS.sln first");
            var link = Path.Combine(links, id, version);
            if (!System.IO.Directory.Exists(link))
            {
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(link)!);
                System.IO.Directory.CreateSymbolicLink(link, source);
            }
        }
        return $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <config>
                <add key="globalPackagesFolder" value="{packages}" />
              </config>
              <packageSources>
                <clear />
                <add key="buddyos" value="{Feed}" />
                <add key="restored-by-the-kernel-build" value="{links}" />
              </packageSources>
            </configuration>
            """;
    }
}

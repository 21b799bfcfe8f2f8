using System.Collections.Concurrent;
using System.Diagnostics;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace BuddyOS.Tests.Kernel;

[CollectionDefinition(Name)]
public sealed class KernelCollection : ICollectionFixture<KernelFixture>
{
    public const string Name = "Kernel (QEMU)";
}

/// <summary>
/// Shared by every kernel test in one run: builds the kernel ISO once, packs the command-line variants once each,
/// and boots each configuration once (at most two QEMUs at a time: the machine has two cores and QEMU runs TCG).
/// A build failure fails every kernel test with the build output.
/// </summary>
public sealed class KernelFixture : IDisposable
{
    public static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MkIsoTimeout = TimeSpan.FromMinutes(1);

    public string RepoRoot { get; }
    /// <summary>Serial logs of every boot, kept after the run (under the test output folder).</summary>
    public string LogDir { get; }
    private readonly string _tempDir;
    private readonly SemaphoreSlim _qemuSlots;
    private readonly Lazy<Task<BuildOutcome>> _build;
    private readonly ConcurrentDictionary<string, Lazy<Task<IsoOutcome>>> _isos = new();
    private readonly ConcurrentDictionary<string, Lazy<Task<BootResult>>> _boots = new();

    public sealed record BuildOutcome(bool Ok, string Output, string? Iso, TimeSpan Duration);
    public sealed record IsoOutcome(string? Iso, string? Error);

    public KernelFixture()
    {
        RepoRoot = FindRepoRoot();
        LogDir = Path.Combine(AppContext.BaseDirectory, "kernel-boots");
        _tempDir = Path.Combine(Path.GetTempPath(), $"buddyos-kernel-tests-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(_tempDir);
        var parallel = int.TryParse(Environment.GetEnvironmentVariable("BUDDYOS_QEMU_PARALLEL"), out var n) && n > 0
            ? n : Math.Max(1, Math.Min(2, Environment.ProcessorCount));
        _qemuSlots = new SemaphoreSlim(parallel);
        _build = new Lazy<Task<BuildOutcome>>(() => Task.Run(BuildKernel));
    }

    public string ProducedIsoPath => Path.Combine(RepoRoot, "out", "buddyos.iso");

#if DEBUG
    private const string BuildConfiguration = "Debug";
#else
    private const string BuildConfiguration = "Release";
#endif

    public static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BuddyOS.sln")))
                return dir.FullName;
        throw new InvalidOperationException($"BuddyOS.sln not found above {AppContext.BaseDirectory}");
    }

    public Task<BuildOutcome> Build() => _build.Value;

    /// <summary>Starts every given boot now (they queue for the QEMU slots); the results stay cached.</summary>
    public void Prefetch(IEnumerable<BootConfig> configs)
    {
        foreach (var c in configs)
            _ = Boot(c);
    }

    /// <summary>The boot of this configuration, run once per test run.</summary>
    public Task<BootResult> Boot(BootConfig config)
    {
        var lazy = _boots.GetOrAdd(config.Name, _ => new Lazy<Task<BootResult>>(() => Task.Run(() => RunBoot(config))));
        return lazy.Value;
    }

    private async Task<BootResult> RunBoot(BootConfig config)
    {
        var iso = await Iso(config.Cmdline);
        if (iso.Iso == null)
            return new BootResult
            {
                Config = config, IsoPath = "", Run = new QemuRun { Command = "" }, SetupError = iso.Error,
                Report = SerialReport.Parse(""),
            };
        await _qemuSlots.WaitAsync();
        try
        {
            return await QemuRunner.BootAsync(config, iso.Iso, LogDir);
        }
        finally
        {
            _qemuSlots.Release();
        }
    }

    /// <summary>Runs an interactive session (a QemuShell) in one of the QEMU slots the cached boots share.</summary>
    public async Task<T> InQemuSlot<T>(Func<Task<T>> session)
    {
        await _qemuSlots.WaitAsync();
        try
        {
            return await session();
        }
        finally
        {
            _qemuSlots.Release();
        }
    }

    /// <summary>
    /// Boots <paramref name="iso"/> (-machine pc, 32 MiB) in a QEMU slot as a QemuShell and runs <paramref name="script"/>
    /// on it; a failed check or a wait that timed out is reported with QEMU's command, its stderr and the serial tail.
    /// </summary>
    public Task<T> InQemuShell<T>(string iso, Func<QemuShell, Task<T>> script, ITestOutputHelper output) => InQemuSlot(async () =>
    {
        await using var shell = QemuShell.Start(new QemuOptions(iso) { Machine = "pc", MemoryMiB = 32 });
        try
        {
            return await script(shell);
        }
        catch (Exception e) when (e is XunitException or TimeoutException)
        {
            throw new XunitException($"{e.Message}\n\ncommand: {shell.Command}\nqemu stderr: {shell.Stderr}\nserial tail:\n{Tail(shell.Serial, 60)}");
        }
        finally
        {
            output.WriteLine(Tail(shell.Serial, 150));
        }
    });

    /// <summary>The ISO for a kernel command line: the build's own for "", else scripts/mkiso.sh OUT "CMDLINE".</summary>
    public Task<IsoOutcome> Iso(string cmdline) =>
        _isos.GetOrAdd(cmdline, c => new Lazy<Task<IsoOutcome>>(() => Task.Run(() => MakeIso(c)))).Value;

    private async Task<IsoOutcome> MakeIso(string cmdline)
    {
        var build = await Build();
        if (!build.Ok)
            return new IsoOutcome(null, $"the kernel build failed ({build.Duration.TotalSeconds:0} s):\n{Tail(build.Output, 80)}");
        if (cmdline.Length == 0)
            return new IsoOutcome(build.Iso, null);
        var slug = new string(cmdline.Select(ch => char.IsLetterOrDigit(ch) ? ch : '_').ToArray());
        if (slug.Length > 80)   // a file name has 255 bytes at most: a long command line is cut and told apart by a hash
            slug = $"{slug[..60]}_{Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(cmdline)))[..12]}";
        var iso = Path.Combine(_tempDir, $"buddyos-{slug}.iso");
        var script = Path.Combine(RepoRoot, "scripts", "mkiso.sh");
        if (!File.Exists(script))
            return new IsoOutcome(null, $"{script} does not exist: cannot build the ISO variant for \"{cmdline}\"");
        var run = await ProcessRunner.RunAsync("bash", new[] { script, iso, cmdline }, RepoRoot, MkIsoTimeout);
        var (code, output, timedOut) = (run.ExitCode, run.StartError ?? run.Output, run.TimedOut);
        if (timedOut || code != 0 || !File.Exists(iso))
            return new IsoOutcome(null, $"scripts/mkiso.sh {iso} \"{cmdline}\" " +
                (timedOut ? "timed out" : $"exited {code}") + $":\n{Tail(output, 40)}");
        return new IsoOutcome(iso, null);
    }

    private async Task<BuildOutcome> BuildKernel()
    {
        var sw = Stopwatch.StartNew();
        var project = Path.Combine(RepoRoot, "BuddyOS.Kernel", "BuddyOS.Kernel.csproj");
        if (!File.Exists(project))
            return new BuildOutcome(false, $"{project} does not exist.", null, sw.Elapsed);
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host : "dotnet";
        // No build servers or reused nodes: a lingering MSBuild node would keep the output pipe open.
        // The tests' own configuration: under test.sh the solution build already built this kernel, so this is a
        // no-change rebuild rather than a second ilc run in the other configuration.
        var args = new[] { "build", project, "-c", BuildConfiguration, "-nologo", "-nodeReuse:false", "--disable-build-servers", "-v:minimal", "-clp:NoSummary" };
        var run = await ProcessRunner.RunAsync(dotnet, args, RepoRoot, BuildTimeout);
        var (code, output, timedOut) = (run.ExitCode, run.StartError ?? run.Output, run.TimedOut);
        var header = $"$ {dotnet} {string.Join(" ", args)}\n";
        if (timedOut)
            return new BuildOutcome(false, header + output + $"\n(build killed after {BuildTimeout.TotalMinutes:0} min)", null, sw.Elapsed);
        if (code != 0)
            return new BuildOutcome(false, header + output + $"\n(dotnet build exited {code})", null, sw.Elapsed);
        if (!File.Exists(ProducedIsoPath))
            return new BuildOutcome(false, header + output + $"\n(the build succeeded but {ProducedIsoPath} does not exist)", null, sw.Elapsed);
        // Boot a private copy: another build in the same checkout must not change the ISO under a running QEMU.
        var copy = Path.Combine(_tempDir, "buddyos.iso");
        File.Copy(ProducedIsoPath, copy, overwrite: true);
        return new BuildOutcome(true, header + output, copy, sw.Elapsed);
    }

    public static string Tail(string text, int lines)
    {
        var all = text.Replace("\r", "").Split('\n');
        var skip = Math.Max(0, all.Length - lines);
        return (skip > 0 ? $"... ({skip} earlier lines)\n" : "") + string.Join("\n", all.Skip(skip));
    }

    public void Dispose()
    {
        // Let queued boots finish before their ISOs go away.
        foreach (var b in _boots.Values.Where(l => l.IsValueCreated))
            try { b.Value.Wait(TimeSpan.FromSeconds(90)); } catch { }
        try { Directory.Delete(_tempDir, recursive: true); } catch { }
    }
}

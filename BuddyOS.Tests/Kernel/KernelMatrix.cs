namespace BuddyOS.Tests.Kernel;

/// <summary>The boot configurations every kernel self-test must pass in (the tests themselves: <see cref="SelfTestRegistry"/>).</summary>
public static class KernelMatrix
{
    /// <summary>
    /// BIOS (SeaBIOS) and UEFI (OVMF) x pc and q35 x small and large memory. UEFI's small size is 64 MiB, not 32:
    /// Debian's OVMF takes a page fault inside the firmware itself below 64 MiB, before GRUB or the kernel
    /// run (Uefi_at_32_MiB_fails_inside_OVMF_before_the_kernel keeps that fact checked).
    /// </summary>
    public static readonly BootConfig[] Configs =
    {
        // Longest boots first: two QEMU slots finish soonest that way.
        BootConfig.Create(Firmware.Uefi, "pc", 64),
        BootConfig.Create(Firmware.Uefi, "q35", 64),
        BootConfig.Create(Firmware.Uefi, "pc", 1024),
        BootConfig.Create(Firmware.Uefi, "q35", 1024),
        BootConfig.Create(Firmware.Bios, "pc", 32),
        BootConfig.Create(Firmware.Bios, "q35", 32),
        BootConfig.Create(Firmware.Bios, "pc", 1024),
        BootConfig.Create(Firmware.Bios, "q35", 1024),
    };

    /// <summary>selftest=full: every self-test at its full size, once per firmware.</summary>
    public static readonly BootConfig[] FullConfigs =
    {
        BootConfig.Create(Firmware.Uefi, "pc", 64, "selftest=full", name: "uefi-pc-64M-full"),
        BootConfig.Create(Firmware.Bios, "pc", 32, "selftest=full", name: "bios-pc-32M-full"),
    };

    /// <summary>heap.checks=on: the kernel's debug boot, every heap debug check on the kernel heap.</summary>
    public static readonly BootConfig[] DebugConfigs =
    {
        BootConfig.Create(Firmware.Bios, "pc", 32, "heap.checks=on", name: "bios-pc-32M-heap_checks"),
    };

    /// <summary>gc.stress=N: every self-test again with a collection before every Nth object allocation.</summary>
    public const int GcStressEvery = 500;

    public static readonly BootConfig GcStress = BootConfig.Create(Firmware.Bios, "pc", 32, $"gc.stress={GcStressEvery}",
        TimeSpan.FromSeconds(180), name: "bios-pc-32M-gc_stress");

    /// <summary>A default boot reaches its closing line this soon after the kernel's first line (QEMU TCG).</summary>
    public static readonly TimeSpan BootBudget = TimeSpan.FromSeconds(2);

    // The longest boots first: two QEMU slots finish soonest that way.
    public static IEnumerable<BootConfig> All => new[] { GcStress }.Concat(FullConfigs).Concat(Configs).Concat(DebugConfigs);

    public static BootConfig Get(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no configuration {name}");

    public static IEnumerable<object[]> ConfigNames => All.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> DefaultConfigNames => Configs.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> ConfigsAndTests =>
        from c in All from t in SelfTestRegistry.Names select new object[] { c.Name, t };
}

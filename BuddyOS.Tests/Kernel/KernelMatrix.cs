namespace BuddyOS.Tests.Kernel;

/// <summary>The boot configurations every kernel self-test must pass in, and the self-tests the kernel must report.</summary>
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
        // Every self-test again with a collection before every 500th object allocation (thousands per boot).
        GcStress,
        BootConfig.Create(Firmware.Uefi, "pc", 64),
        BootConfig.Create(Firmware.Uefi, "q35", 64),
        BootConfig.Create(Firmware.Uefi, "pc", 1024),
        BootConfig.Create(Firmware.Uefi, "q35", 1024),
        BootConfig.Create(Firmware.Bios, "pc", 32),
        BootConfig.Create(Firmware.Bios, "q35", 32),
        BootConfig.Create(Firmware.Bios, "pc", 1024),
        BootConfig.Create(Firmware.Bios, "q35", 1024),
    };

    public const int GcStressEvery = 500;

    public static BootConfig GcStress => BootConfig.Create(Firmware.Bios, "pc", 32, $"gc.stress={GcStressEvery}",
        TimeSpan.FromSeconds(180), name: "bios-pc-32M-gc_stress");

    /// <summary>
    /// Every self-test the kernel runs by default, by the name it prints. Checked in both directions in every
    /// configuration: a listed test the kernel did not report fails, and so does a reported test not listed here.
    /// </summary>
    public static readonly string[] KnownTests =
    {
        "heap_test",
        "many_short_lived",
        "long_lived",
        "alignment",
        "reallocate",
        "exhaustion",
        "bad_free",
        "strings",
        "runtime",
        "gc_api",
        "gc_garbage",
        "gc_list_growth",
        "gc_roots",
        "gc_cycles",
        "gc_deep",
        "gc_mark_overflow",
        "exc_catch",
        "exc_unwind",
        "exc_filter",
        "exc_rethrow",
        "exc_hardware",
        "exc_heap",
    };

    public static BootConfig Get(string name) =>
        Configs.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no configuration {name}");

    public static IEnumerable<object[]> ConfigNames => Configs.Select(c => new object[] { c.Name });

    public static IEnumerable<object[]> ConfigsAndTests =>
        from c in Configs from t in KnownTests select new object[] { c.Name, t };
}

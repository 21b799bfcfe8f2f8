using Xunit.Sdk;

namespace BuddyOS.Tests.Kernel;

/// <summary>Assertions whose failure message carries the parsed boot report and the serial tail.</summary>
public static class KernelAssert
{
    public static void That(bool condition, string what, BootResult boot)
    {
        if (!condition)
            throw new XunitException($"{what}\n\n{boot.Describe()}");
    }

    /// <summary>Fails when the boot never reached QEMU (build, mkiso or tool failure), with that failure's output.</summary>
    public static void Ran(BootResult boot)
    {
        if (boot.SetupError != null)
            throw new XunitException($"{boot.Config.Name}: the kernel could not be booted.\n\n{boot.Describe()}");
    }
}

// Which machine are we on? CPUID leaf 1 ECX bit 31 says "hypervisor present"; leaf 0x40000000
// returns its 12-byte vendor id. QEMU without acceleration reports "TCGTCGTCGTCG": its rdtsc counts
// emulated cycles, which the benchmark must say.
namespace BuddyOS.Kernel
{
    internal static unsafe class Hypervisor
    {
        public static string Vendor()
        {
            uint* r = stackalloc uint[4];
            Machine.Cpuid(1, r);
            if ((r[2] & (1u << 31)) == 0)
                return "";
            Machine.Cpuid(0x40000000, r);
            byte* id = stackalloc byte[13];
            *(uint*)id = r[1];
            *(uint*)(id + 4) = r[2];
            *(uint*)(id + 8) = r[3];
            id[12] = 0;
            return new string((sbyte*)id, 0, 12);
        }

        public static bool IsQemuTcg(string vendor) => vendor == "TCGTCGTCGTCG";

        // QEMU under TCG or KVM: the machines where the isa-debug-exit device and a host reading COM1 are expected.
        public static bool IsQemu(string vendor) => IsQemuTcg(vendor) || vendor == "KVMKVMKVM";
    }
}

// The instructions C# cannot express, implemented in Boot/runtime.asm and called directly.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel
{
    internal static unsafe class Machine
    {
        [RuntimeImport("BuddyOS_Outb")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Outb(ushort port, byte value);

        [RuntimeImport("BuddyOS_Inb")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern byte Inb(ushort port);

        [RuntimeImport("BuddyOS_Outd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Outd(ushort port, uint value);

        [RuntimeImport("BuddyOS_Rdtsc")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern ulong Rdtsc();

        // registers: eax, ebx, ecx, edx of CPUID(leaf, 0).
        [RuntimeImport("BuddyOS_Cpuid")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Cpuid(uint leaf, uint* registers);

        [RuntimeImport("BuddyOS_HaltForever")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void HaltForever();

        // The 8042's reset line; should that do nothing, a triple fault (an empty IDT, then int3).
        [RuntimeImport("BuddyOS_Reboot")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void Reboot();

        // crash=triple_fault: an empty IDT and int3. Under QEMU's -no-reboot: exit status 0, never a user's stop.
        [RuntimeImport("BuddyOS_TripleFault")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void TripleFault();

        [RuntimeImport("BuddyOS_SpinForever")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        public static extern void SpinForever();
    }
}

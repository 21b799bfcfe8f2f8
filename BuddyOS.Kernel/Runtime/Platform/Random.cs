// Random bytes for Random, Guid.NewGuid, HashCode's seed and RandomNumberGenerator. Where CPUID says the CPU
// has RDRAND, every byte comes from it (retried as Intel advises; a CPU that keeps failing is a panic, never
// a silent fallback). Without it (QEMU's default qemu64 CPU has none) the bytes come from xoshiro256**, seeded
// from the TSC, the CMOS clock and PIT timing jitter at boot: unpredictable between boots, but NOT
// cryptographically secure, and the boot report says which source is in use.
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Random
    {
        [RuntimeImport("BuddyOS_Rdrand")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern int Rdrand(ulong* value);

        private static bool s_hasRdrand;
        private static ulong s_0, s_1, s_2, s_3;

        public static bool HasRdrand => s_hasRdrand;

        public static void Initialize()
        {
            uint* registers = stackalloc uint[4];
            Machine.Cpuid(1, registers);
            s_hasRdrand = (registers[2] & (1u << 30)) != 0;
            // Seed: TSC readings around PIT-port reads (their exact cost varies), and the wall clock.
            ulong seed = Machine.Rdtsc() ^ (ulong)Clock.UnixTicksNow;
            for (int i = 0; i < 64; i++)
            {
                Machine.Inb(0x61);
                seed = (seed << 7 | seed >> 57) ^ Machine.Rdtsc();
            }
            s_0 = SplitMix(ref seed);
            s_1 = SplitMix(ref seed);
            s_2 = SplitMix(ref seed);
            s_3 = SplitMix(ref seed);
        }

        public static string Source => s_hasRdrand ? "RDRAND" : "no RDRAND on this CPU: xoshiro256** seeded from the TSC, the CMOS clock and PIT timing at boot (not cryptographically secure)";

        [RuntimeExport("SystemNative_GetNonCryptographicallySecureRandomBytes")]
        private static void NonSecureBytes(byte* buffer, int length) => Fill(buffer, length);

        [RuntimeExport("SystemNative_GetCryptographicallySecureRandomBytes")]
        private static int SecureBytes(byte* buffer, int length)
        {
            Fill(buffer, length);
            return 0;
        }

        private static void Fill(byte* buffer, int length)
        {
            for (int i = 0; i < length; i += 8)
            {
                ulong word = Next();
                for (int j = 0; j < 8 && i + j < length; j++)
                    buffer[i + j] = (byte)(word >> (8 * j));
            }
        }

        private static ulong Next()
        {
            if (s_hasRdrand)
            {
                ulong value;
                for (int tries = 0; tries < 10; tries++)
                    if (Rdrand(&value) != 0)
                        return value;
                Panic.Fail("random: RDRAND failed ten times in a row (a broken CPU or hypervisor)", 0);
            }
            // xoshiro256** (Blackman and Vigna)
            ulong result = Rotl(s_1 * 5, 7) * 9;
            ulong t = s_1 << 17;
            s_2 ^= s_0;
            s_3 ^= s_1;
            s_1 ^= s_2;
            s_0 ^= s_3;
            s_2 ^= t;
            s_3 = Rotl(s_3, 45);
            return result;
        }

        private static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

        private static ulong SplitMix(ref ulong state)
        {
            ulong z = state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}

// What BuddyOS reads from the multiboot2 information: the kernel command line (tag 1), the memory
// map (tag 6) and the framebuffer the loader set up (tag 8). Layout: uint totalSize, uint reserved, then tags {uint type, uint size, payload}, each
// 8-aligned, ending with a type-0 tag.
namespace BuddyOS.Kernel
{
    internal static unsafe class Multiboot
    {
        private const uint TagEnd = 0;
        private const uint TagCommandLine = 1;
        private const uint TagMemoryMap = 6;
        private const uint TagFramebuffer = 8;
        private const uint MemoryAvailable = 1;
        private const ulong IdentityMapped = 4UL << 30;   // what Boot/boot.asm maps

        public static string CommandLine(byte* info)
        {
            byte* tag = info == null ? null : FindTag(info, TagCommandLine);
            return tag == null ? "" : string.FromAscii(tag + 8, (int)*(uint*)(tag + 4) - 8);
        }

        // The lowest naturally aligned `size` bytes of available RAM above the kernel image that the boot
        // page tables map and the multiboot2 information does not use; null when the map has none.
        // `size` must be a power of two.
        public static byte* FindFreeRange(byte* info, byte* kernelEnd, ulong size)
        {
            if (info == null)
                return null;
            ulong infoStart = (ulong)info, infoEnd = infoStart + *(uint*)info;
            byte* tag = FindTag(info, TagMemoryMap);
            if (tag == null)
                return null;
            uint tagSize = *(uint*)(tag + 4);
            uint entrySize = *(uint*)(tag + 8);
            if (entrySize < 24)
                return null;
            ulong best = 0;
            for (byte* entry = tag + 16; entry + entrySize <= tag + tagSize; entry += entrySize)
            {
                ulong start = *(ulong*)entry, end = start + *(ulong*)(entry + 8);
                if (*(uint*)(entry + 16) != MemoryAvailable)
                    continue;
                if (start < (ulong)kernelEnd)
                    start = (ulong)kernelEnd;
                for (ulong at = (start + size - 1) & ~(size - 1); at + size <= end && at + size <= IdentityMapped; at += size)
                {
                    if (at < infoEnd && infoStart < at + size)
                        continue;   // GRUB's information lives here
                    if (best == 0 || at < best)
                        best = at;
                    break;
                }
            }
            return (byte*)best;
        }

        // Tag 8: u64 address, u32 pitch, width, height, u8 bits per pixel, u8 type (0 indexed, 1 RGB, 2 EGA text),
        // u16 reserved, then for RGB the position and size of red, green and blue, a byte each.
        public static bool Framebuffer(byte* info, out FramebufferInfo fb)
        {
            fb = default;
            byte* tag = info == null ? null : FindTag(info, TagFramebuffer);
            if (tag == null || *(uint*)(tag + 4) < 30)
                return false;
            fb.Address = *(ulong*)(tag + 8);
            fb.Pitch = *(uint*)(tag + 16);
            fb.Width = *(uint*)(tag + 20);
            fb.Height = *(uint*)(tag + 24);
            fb.BitsPerPixel = tag[28];
            fb.Type = tag[29];
            if (fb.Type == FramebufferInfo.Rgb && *(uint*)(tag + 4) >= 38)
            {
                fb.RedShift = tag[32];
                fb.RedBits = tag[33];
                fb.GreenShift = tag[34];
                fb.GreenBits = tag[35];
                fb.BlueShift = tag[36];
                fb.BlueBits = tag[37];
            }
            return true;
        }

        private static byte* FindTag(byte* info, uint wanted)
        {
            uint totalSize = *(uint*)info;
            byte* tag = info + 8;
            while (tag + 8 <= info + totalSize)
            {
                uint type = *(uint*)tag;
                uint size = *(uint*)(tag + 4);
                if (type == TagEnd || size < 8)
                    break;
                if (type == wanted)
                    return tag;
                tag += (size + 7) & ~7u;
            }
            return null;
        }
    }

    internal struct FramebufferInfo
    {
        public const byte Indexed = 0, Rgb = 1, EgaText = 2;

        public ulong Address;
        public uint Pitch, Width, Height;
        public byte BitsPerPixel, Type;
        public byte RedShift, RedBits, GreenShift, GreenBits, BlueShift, BlueBits;
    }
}

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
            if (tag == null)
                return "";
            int length = 0;
            while (length < (int)*(uint*)(tag + 4) - 8 && tag[8 + length] != 0)
                length++;
            return System.Text.Encoding.ASCII.GetString(tag + 8, length);
        }

        // The i-th range of available RAM in the memory map (tag 6), clipped to what the boot page tables map;
        // false past the last one.
        public static bool TryGetAvailableRange(byte* info, int index, out ulong start, out ulong end)
        {
            start = end = 0;
            byte* tag = info == null ? null : FindTag(info, TagMemoryMap);
            if (tag == null)
                return false;
            uint tagSize = *(uint*)(tag + 4);
            uint entrySize = *(uint*)(tag + 8);
            if (entrySize < 24)
                return false;
            int seen = 0;
            for (byte* entry = tag + 16; entry + entrySize <= tag + tagSize; entry += entrySize)
            {
                if (*(uint*)(entry + 16) != MemoryAvailable)
                    continue;
                if (seen++ != index)
                    continue;
                start = *(ulong*)entry;
                end = start + *(ulong*)(entry + 8);
                if (end > IdentityMapped)
                    end = IdentityMapped;
                return true;
            }
            return false;
        }

        // The bytes the multiboot2 information occupies (GRUB put it in RAM the map calls available).
        public static ulong InfoSize(byte* info) => info == null ? 0 : *(uint*)info;

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

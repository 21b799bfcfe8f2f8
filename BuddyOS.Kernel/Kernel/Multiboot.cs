// What BuddyOS reads from the multiboot2 information: the kernel command line (tag 1) and the memory
// map (tag 6). Layout: uint totalSize, uint reserved, then tags {uint type, uint size, payload}, each
// 8-aligned, ending with a type-0 tag.
namespace BuddyOS.Kernel
{
    internal static unsafe class Multiboot
    {
        private const uint TagEnd = 0;
        private const uint TagCommandLine = 1;
        private const uint TagMemoryMap = 6;
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

        // The lowest `alignment`-aligned `size` bytes of available RAM at or above `from` that the boot page tables
        // map and the multiboot2 information does not use; null when the map has none. `alignment` must be a
        // power of two.
        public static byte* FindFreeRange(byte* info, byte* from, ulong size, ulong alignment)
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
                if (start < (ulong)from)
                    start = (ulong)from;
                for (ulong at = (start + alignment - 1) & ~(alignment - 1); at + size <= end && at + size <= IdentityMapped; at += alignment)
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
}

// The one thing BuddyOS reads from the multiboot2 information: the kernel command line (tag 1).
// Layout: uint totalSize, uint reserved, then tags {uint type, uint size, payload}, each 8-aligned,
// ending with a type-0 tag.
namespace BuddyOS.Kernel
{
    internal static unsafe class Multiboot
    {
        private const uint TagEnd = 0;
        private const uint TagCommandLine = 1;

        public static string CommandLine(byte* info)
        {
            if (info == null)
                return "";
            uint totalSize = *(uint*)info;
            byte* tag = info + 8;
            while (tag + 8 <= info + totalSize)
            {
                uint type = *(uint*)tag;
                uint size = *(uint*)(tag + 4);
                if (type == TagEnd || size < 8)
                    break;
                if (type == TagCommandLine)
                    return string.FromAscii(tag + 8, (int)size - 8);
                tag += (size + 7) & ~7u;
            }
            return "";
        }
    }
}

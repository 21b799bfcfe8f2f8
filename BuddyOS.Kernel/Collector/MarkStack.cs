// The collector's explicit mark stack: marking never recurses on the machine stack, so a list of any length
// is marked in constant machine-stack depth. Its size is fixed; when it is full an object stays marked but
// unscanned and Overflowed says so, and the collector recovers by rescanning the marked objects of the heap
// (the way Boehm's collector bounds its memory whatever the heap's shape).
#if !KERNEL_HEAP_BUMP
namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class MarkStack
    {
        private static byte** s_entries;
        private static int s_capacity;
        private static int s_depth;

        public static bool Overflowed;
        public static ulong Overflows;       // over the whole boot
        public static int Capacity => s_capacity;

        public static void Initialize(byte* storage, nuint bytes)
        {
            s_entries = (byte**)storage;
            s_capacity = (int)(bytes / (nuint)sizeof(byte*));
            s_depth = 0;
        }

        public static void Push(byte* obj)
        {
            if (s_depth == s_capacity)
            {
                if (!Overflowed)
                    Overflows++;
                Overflowed = true;
                return;
            }
            s_entries[s_depth++] = obj;
        }

        public static bool TryPop(out byte* obj)
        {
            if (s_depth == 0)
            {
                obj = null;
                return false;
            }
            obj = s_entries[--s_depth];
            return true;
        }
    }
}
#endif

// Two bitmaps over the kernel heap, outside the objects: which blocks are objects (set where `new` takes a
// block, cleared where a block goes back) and which objects the running collection has marked. Object starts
// are 16-aligned offsets of the region (buddy blocks are aligned to their size, at least 16; slab slots sit at
// multiples of their size class, a multiple of 16, within a 4 KiB-aligned slab), so one bit per 16 bytes is
// enough (32 KiB per map for 4 MiB). Raw blocks (taken as memory, not as objects) never get an object bit, so the collector neither
// reads them as objects nor sweeps them.
#if !KERNEL_HEAP_BUMP
using BuddyOS.Heap;

namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class ObjectMap
    {
        public const int GranuleShift = 4;
        public const nuint Granule = (nuint)1 << GranuleShift;

        private static byte* s_base;
        private static nuint s_size;
        private static ulong* s_objects;
        private static ulong* s_marks;
        private static nuint s_words;

        public static nuint BitmapBytes(nuint heapSize) => ((heapSize >> GranuleShift) + 63) / 64 * 8;

        public static nuint Words => s_words;

        public static void Initialize(byte* heapBase, nuint heapSize, byte* storage)
        {
            s_base = heapBase;
            s_size = heapSize;
            s_words = BitmapBytes(heapSize) / 8;
            s_objects = (ulong*)storage;
            s_marks = s_objects + s_words;
        }

        // The granule index of an object start, or false when p cannot start an object.
        private static bool GranuleOf(void* p, out nuint index)
        {
            nuint offset = (nuint)((byte*)p - s_base);
            index = offset >> GranuleShift;
            return offset < s_size && (offset & (Granule - 1)) == 0;
        }

        public static void SetObject(void* block)
        {
            if (!GranuleOf(block, out nuint g))
                Panic.Fail("collector: an object block the object map does not cover (map not set up?) at", (ulong)block);
            s_objects[g >> 6] |= 1UL << (int)(g & 63);
        }

        // A block went back to the heap: whatever it was, it is no object now.
        public static void Forget(void* block)
        {
            if (GranuleOf(block, out nuint g))
                s_objects[g >> 6] &= ~(1UL << (int)(g & 63));
        }

        public static bool IsObject(void* p)
            => GranuleOf(p, out nuint g) && (s_objects[g >> 6] & (1UL << (int)(g & 63))) != 0;

        public static bool IsMarked(void* p)
            => GranuleOf(p, out nuint g) && (s_marks[g >> 6] & (1UL << (int)(g & 63))) != 0;

        // Marks p when it is an unmarked object; true only then (the caller scans it next).
        public static bool TryMark(nuint p)
        {
            nuint offset = p - (nuint)s_base;
            if (offset >= s_size || (offset & (Granule - 1)) != 0)
                return false;
            nuint g = offset >> GranuleShift;
            ulong bit = 1UL << (int)(g & 63);
            nuint w = g >> 6;
            if ((s_objects[w] & bit) == 0 || (s_marks[w] & bit) != 0)
                return false;
            s_marks[w] |= bit;
            return true;
        }

        // Dead objects of word w (objects without a mark); clears the word's marks and forgets the dead ones.
        public static ulong TakeDead(nuint w)
        {
            ulong dead = s_objects[w] & ~s_marks[w];
            s_marks[w] = 0;
            s_objects[w] &= ~dead;
            return dead;
        }

        public static byte* BlockOf(nuint word, int bit) => s_base + (((word << 6) + (nuint)bit) << GranuleShift);
    }
}
#endif

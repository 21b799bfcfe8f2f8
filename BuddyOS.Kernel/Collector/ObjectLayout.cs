// Where the references are inside an object, from the GC descriptor ILC emits in front of the MethodTable
// of every type with HasPointers (layout checked on our image: /work/shared/notes/runtime-formats.md, and
// CoreCLR's gc/gcdesc.h). An object reference points at its MethodTable word; fields start at +8; an
// array's length is the int at +8. Strings and arrays of primitives have no descriptor: they are leaves.
//   n = int64 at MT-8.
//   n > 0: n series {int64 size at MT-24-16k, int64 offset at MT-16-16k}; the reference slots of series k
//          are [obj+offset, obj+offset+size+objectSize): size is stored minus the object's size, so one rule
//          covers fixed objects and arrays of references.
//   n < 0: an array of structs holding references: start offset = int64 at MT-16, then -n items
//          {uint32 count, uint32 skip} at MT-24, MT-32, ...: from obj+start, repeat per element `count`
//          slots then `skip` bytes, until obj+objectSize-8.
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class ObjectLayout
    {
        // An object's header word (CoreLib keeps hash codes and thin locks there) sits in front of its
        // MethodTable pointer, and BaseSize counts it: so a heap block holds the header first, and the object
        // reference the program sees is the block's address + 8. Everything the collector tracks per block.
        public const nuint HeaderBytes = 8;

        public static byte* ObjectOf(byte* block) => block + HeaderBytes;

        public static byte* BlockOf(byte* obj) => obj - HeaderBytes;

        // BaseSize (which counts the 8-byte header word in front of the MethodTable) plus the components.
        public static nuint SizeOf(byte* obj, MethodTable* type)
        {
            nuint size = type->BaseSize;
            if (type->HasComponentSize)
                size += (nuint)(uint)*(int*)(obj + sizeof(nint)) * type->ComponentSize;
            return size;
        }

        // Hands every reference slot's value to the marker.
        public static void ScanReferences(byte* obj)
        {
            MethodTable* type = *(MethodTable**)obj;
            if (!type->HasPointers)
                return;
            byte* mt = (byte*)type;
            long series = *(long*)(mt - 8);
            long objectSize = (long)SizeOf(obj, type);
            if (series > 0)
            {
                for (long k = 0; k < series; k++)
                {
                    long size = *(long*)(mt - 24 - 16 * k);
                    long offset = *(long*)(mt - 16 - 16 * k);
                    nuint* slot = (nuint*)(obj + offset);
                    nuint* stop = (nuint*)(obj + offset + size + objectSize);
                    for (; slot < stop; slot++)
                        Collector.MarkReference(*slot);
                }
                return;
            }
            long items = -series;
            byte* at = obj + *(long*)(mt - 16);
            byte* end = obj + objectSize - sizeof(nint);
            while (at < end)
            {
                for (long i = 0; i < items; i++)
                {
                    uint* item = (uint*)(mt - 24 - 8 * i);
                    nuint* slot = (nuint*)at;
                    nuint* stop = slot + item[0];
                    for (; slot < stop; slot++)
                        Collector.MarkReference(*slot);
                    at = (byte*)stop + item[1];
                }
            }
        }
    }
}

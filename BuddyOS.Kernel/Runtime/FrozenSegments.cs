// Frozen objects: objects that live outside the collected heap. Two kinds of segment are registered here by
// CoreLib: the image's own (section 206: string literals and data ilc preinitialised) and the frozen-object
// heap CoreLib builds at run time in memory from MMap (RuntimeType objects: Platform/Memory.cs). The collector
// never marks or frees them, but it traces the ones that hold references (a preinitialised static may be
// written later), so they are roots. Layout of a segment: [header word][MethodTable*, fields...], each object
// followed by the next one's header word, up to the segment's allocated end.
using System.Runtime;
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class FrozenSegments
    {
        public const int MaxSegments = 8;

        private struct Segment
        {
            public byte* Start;
            public byte* Allocated;
            public byte* Reserved;
        }

        [System.Runtime.CompilerServices.InlineArray(MaxSegments)]
        private struct SegmentTable
        {
            private Segment _first;
        }

        private static SegmentTable s_segments;
        private static int s_count;

        private static Segment* At(int i) => (Segment*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref s_segments[i]);

        public static int Count => s_count;

        [RuntimeExport("RhRegisterFrozenSegment")]
        private static nint Register(byte* start, nuint allocated, nuint committed, nuint reserved)
        {
            if (s_count == MaxSegments)
                return 0;   // CoreLib turns this into a fail-fast (image) or an OutOfMemoryException (run time)
            Segment* segment = At(s_count++);
            segment->Start = start;
            segment->Allocated = start + allocated;
            segment->Reserved = start + reserved;
            return s_count;   // the handle: index + 1, never 0
        }

        [RuntimeExport("RhUpdateFrozenSegment")]
        private static void Update(nint handle, byte* allocated, byte* committed)
        {
            if (handle < 1 || handle > s_count)
                Panic.Fail("runtime: RhUpdateFrozenSegment with an unknown segment handle", (ulong)handle);
            At((int)handle - 1)->Allocated = allocated;
        }

        [RuntimeExport("RhUnregisterFrozenSegment")]
        private static void Unregister(nint handle)
        {
            if (handle >= 1 && handle <= s_count)
                At((int)handle - 1)->Allocated = At((int)handle - 1)->Start;
        }

        public static bool Contains(void* p)
        {
            for (int i = 0; i < s_count; i++)
                if (p >= At(i)->Start && p < At(i)->Reserved)
                    return true;
            return false;
        }

        // Counts every frozen object and those with references; with trace, hands the latter to the marker.
        public static void Walk(bool trace, out int objects, out int withReferences)
        {
            objects = withReferences = 0;
            for (int i = 0; i < s_count; i++)
            {
                Segment* segment = At(i);
                byte* obj = segment->Start + sizeof(nint);
                while (obj + sizeof(nint) <= segment->Allocated)
                {
                    MethodTable* type = *(MethodTable**)obj;
                    if (type == null)
                        break;   // zero padding at the end of the image's segment
                    objects++;
                    if (type->HasPointers)
                    {
                        withReferences++;
                        if (trace)
                            ObjectLayout.ScanReferences(obj);
                    }
                    obj += (ObjectLayout.SizeOf(obj, type) + 7) & ~(nuint)7;
                }
            }
        }
    }
}

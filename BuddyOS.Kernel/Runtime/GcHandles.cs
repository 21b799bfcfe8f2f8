// GC handles with .NET's meanings, behind CoreLib's GCHandle, WeakReference, ConditionalWeakTable and the
// module's static spines. A handle is the address of a slot whose first word is the target (CoreLib reads
// `*handle` itself); slots live in 4 KiB chunks taken from the kernel heap as raw blocks, never freed, and a
// freed slot goes on a free list.
//   Normal, Pinned: roots (the heap never moves an object, so pinned is the same as normal);
//   Weak: cleared by the collector once the target is unreachable, before finalization looks at it;
//   WeakTrackResurrection: cleared once the target is unreachable even after finalization kept what it will
//     finalize (so it still reads the object a finalizer will see);
//   Dependent (ConditionalWeakTable): the secondary lives exactly as long as the primary: marked when the
//     primary is, and both cleared once the primary is unreachable.
// The collector calls MarkStrong, PropagateDependents, ClearShortWeak and ClearLongWeakAndDependent
// (Collector/Collector.cs); nothing here
// runs inside an interrupt handler.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class GcHandles
    {
        // GCHandleType, and NativeAOT's internal dependent kind (HNDTYPE_DEPENDENT).
        private const nint Weak = 0, WeakTrackResurrection = 1, Normal = 2, Pinned = 3, Dependent = 6;
        private const nint FreeSlot = -1;

        private struct Slot
        {
            public nint Target;      // the object (must stay first: a handle points here)
            public nint Secondary;   // a dependent handle's secondary; a free slot's next free slot
            public nint Kind;
        }

        private const int ChunkBytes = 4096;
        private const int SlotsPerChunk = (ChunkBytes - 16) / 24;   // 16 bytes: the next-chunk link and padding

        private static byte* s_chunks;     // singly linked through the first word
        private static Slot* s_free;
        private static int s_chunkCount;
        private static int s_inUse;

        public static int InUse => s_inUse;
        public static int Capacity => s_chunkCount * SlotsPerChunk;
        public static nuint Bytes => (nuint)(s_chunkCount * ChunkBytes);

        [RuntimeExport("RhpHandleAlloc")]
        private static nint Alloc(nint target, int type)
        {
            if (type != Weak && type != WeakTrackResurrection && type != Normal && type != Pinned)
                Panic.Fail("runtime: a GC handle of a kind BuddyOS does not support; kind", (ulong)type);
            return (nint)NewSlot(target, 0, type);
        }

        [RuntimeExport("RhpHandleAllocDependent")]
        private static nint AllocDependent(nint primary, nint secondary) => (nint)NewSlot(primary, secondary, Dependent);

        [RuntimeExport("RhHandleFree")]
        private static void Free(Slot* slot)
        {
            if (slot == null || slot->Kind == FreeSlot)
                Panic.Fail("runtime: a GC handle freed twice (or never allocated), at", (ulong)slot);
            slot->Target = 0;
            slot->Kind = FreeSlot;
            slot->Secondary = (nint)s_free;
            s_free = slot;
            s_inUse--;
        }

        // A WeakReference<T> the collector found dead (Collector/Finalization.cs): its handle goes back now.
        public static void FreeDuringCollection(nint handle)
        {
            if (handle != 0)
                Free((Slot*)handle);
        }

        [RuntimeExport("RhHandleGet")]
        private static nint Get(Slot* slot) => slot->Target;

        [RuntimeExport("RhHandleSet")]
        private static void Set(Slot* slot, nint target) => slot->Target = target;

        [RuntimeExport("RhHandleGetDependent")]
        private static nint GetDependent(Slot* slot, nint* secondary)
        {
            *secondary = slot->Secondary;
            return slot->Target;
        }

        [RuntimeExport("RhHandleSetDependentSecondary")]
        private static void SetDependentSecondary(Slot* slot, nint secondary) => slot->Secondary = secondary;

        private static Slot* NewSlot(nint target, nint secondary, nint kind)
        {
            if (s_free == null)
                AddChunk();
            Slot* slot = s_free;
            s_free = (Slot*)slot->Secondary;
            slot->Target = target;
            slot->Secondary = secondary;
            slot->Kind = kind;
            s_inUse++;
            return slot;
        }

        private static void AddChunk()
        {
            byte* chunk = KernelHeap.AllocateRaw(ChunkBytes, 16);
            *(byte**)chunk = s_chunks;
            s_chunks = chunk;
            s_chunkCount++;
            Slot* slots = (Slot*)(chunk + 16);
            for (int i = SlotsPerChunk - 1; i >= 0; i--)
            {
                slots[i].Target = 0;
                slots[i].Kind = FreeSlot;
                slots[i].Secondary = (nint)s_free;
                s_free = slots + i;
            }
        }

        // In use by kind: normal and pinned, weak (with a target, cleared), dependent. For the census.
        public static string Describe()
        {
            int strong = 0, weakLive = 0, weakCleared = 0, dependent = 0;
            for (byte* chunk = s_chunks; chunk != null; chunk = *(byte**)chunk)
            {
                Slot* slots = (Slot*)(chunk + 16);
                for (int i = 0; i < SlotsPerChunk; i++)
                {
                    nint kind = slots[i].Kind;
                    if (kind == Normal || kind == Pinned)
                        strong++;
                    else if (kind == Weak || kind == WeakTrackResurrection)
                    {
                        if (slots[i].Target != 0)
                            weakLive++;
                        else
                            weakCleared++;
                    }
                    else if (kind == Dependent)
                        dependent++;
                }
            }
            return $"GC handles: {strong} strong, {weakLive} weak with a target, {weakCleared} weak cleared, {dependent} dependent; {s_chunkCount} chunks";
        }

        // Roots: the targets of normal and pinned handles.
        public static void MarkStrong()
        {
            for (byte* chunk = s_chunks; chunk != null; chunk = *(byte**)chunk)
            {
                Slot* slots = (Slot*)(chunk + 16);
                for (int i = 0; i < SlotsPerChunk; i++)
                    if ((slots[i].Kind == Normal || slots[i].Kind == Pinned) && slots[i].Target != 0)
                        GarbageCollection.Collector.MarkReference((nuint)slots[i].Target);
            }
        }

        // After the roots are traced: a dependent handle's secondary is reachable when its primary is. Marking a
        // secondary can make another handle's primary reachable, so repeat until a pass marks nothing new.
        // Returns the number of passes.
        public static int PropagateDependents()
        {
            int passes = 0;
            bool marked = true;
            while (marked)
            {
                marked = false;
                passes++;
                for (byte* chunk = s_chunks; chunk != null; chunk = *(byte**)chunk)
                {
                    Slot* slots = (Slot*)(chunk + 16);
                    for (int i = 0; i < SlotsPerChunk; i++)
                    {
                        if (slots[i].Kind != Dependent || slots[i].Target == 0 || slots[i].Secondary == 0)
                            continue;
                        if (!GarbageCollection.Collector.IsReachable((nuint)slots[i].Target))
                            continue;
                        if (GarbageCollection.Collector.MarkAndTrace((nuint)slots[i].Secondary))
                            marked = true;
                    }
                }
            }
            return passes;
        }

        // After marking, before finalization looks for dead finalizable objects: short weak handles (Weak) to
        // unreachable objects read null from now on. Returns the number cleared.
        public static int ClearShortWeak() => Clear(shortWeak: true);

        // After finalization kept the objects it will finalize: long weak handles (WeakTrackResurrection) whose
        // target is still unreachable read null, and a dependent handle whose primary died lets go of both.
        public static int ClearLongWeakAndDependent() => Clear(shortWeak: false);

        private static int Clear(bool shortWeak)
        {
            int cleared = 0;
            for (byte* chunk = s_chunks; chunk != null; chunk = *(byte**)chunk)
            {
                Slot* slots = (Slot*)(chunk + 16);
                for (int i = 0; i < SlotsPerChunk; i++)
                {
                    nint kind = slots[i].Kind;
                    if (shortWeak ? kind != Weak : kind != WeakTrackResurrection && kind != Dependent)
                        continue;
                    if (slots[i].Target == 0 || GarbageCollection.Collector.IsReachable((nuint)slots[i].Target))
                        continue;
                    slots[i].Target = 0;
                    slots[i].Secondary = 0;
                    cleared++;
                }
            }
            return cleared;
        }
    }
}

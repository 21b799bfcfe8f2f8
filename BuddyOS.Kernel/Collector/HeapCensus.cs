// What the heap holds, by type: every live object block grouped by its MethodTable, largest first, named by
// reflection (what dotnet-gcdump would tell of a process). Raw blocks (metadata, NativeMemory) are one line.
// The walk itself allocates nothing (the table is made before it); naming the types afterwards does.
#if !KERNEL_HEAP_BUMP
using System;
using BuddyOS.Heap;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.GarbageCollection
{
    internal static unsafe class HeapCensus
    {
        public struct Row
        {
            public nint Type;        // MethodTable*; 0 for raw blocks
            public ulong Count;
            public ulong Bytes;      // held bytes (block sizes)
        }

        private const int MaxTypes = 512;

        // The rows, largest first; the types past the first MaxTypes are counted together (Type -1).
        public static Row[] Take()
        {
            Row[] rows = new Row[MaxTypes + 1];   // the last row counts the types past MaxTypes
            int used = 0;
            foreach (HeapBlock block in KernelHeap.Heap.AllocatedBlocks())
            {
                byte* obj = ObjectLayout.ObjectOf(block.Start);
                nint type = Collector.IsObject(obj) ? (nint)(*(MethodTable**)obj) : 0;
                if (type != 0 && IsStaticBaseType(type))
                    type = StaticBases;
                int i = 0;
                while (i < used && rows[i].Type != type)
                    i++;
                if (i == used && used < MaxTypes)
                    rows[used++].Type = type;
                else if (i == used)
                {
                    i = MaxTypes;
                    rows[i].Type = -1;
                }
                rows[i].Count++;
                rows[i].Bytes += (ulong)block.Size;
            }
            if (rows[MaxTypes].Count != 0)
                used = MaxTypes + 1;
            Array.Resize(ref rows, used);
            Array.Sort(rows, (a, b) => b.Bytes.CompareTo(a.Bytes));
            return rows;
        }

        private const nint StaticBases = -2;

        // The objects that hold a type's reference-typed statics have synthetic MethodTables (ilc's
        // __GCStaticEEType_<bitmap>) that reflection cannot name: they are found through the GC static region.
        private static bool IsStaticBaseType(nint type)
        {
            if (!Modules.TryGetSection(Modules.GCStaticRegionSection, out byte* start, out byte* end))
                return false;
            for (int* entry = (int*)start; entry < (int*)end; entry++)
            {
                nint* slot = (nint*)((byte*)entry + *entry);
                if (KernelHeap.Contains((void*)*slot) && *(nint*)*slot == type)
                    return true;
            }
            return false;
        }

        public static string NameOf(nint type)
        {
            if (type == StaticBases)
                return "(static fields of types: their static bases)";
            if (type == 0)
                return "(raw blocks: heap metadata, NativeMemory, handle tables)";
            if (type == -1)
                return "(more types)";
            try
            {
                return Type.GetTypeFromHandle(RuntimeTypeHandle.FromIntPtr(type))?.ToString() ?? $"MethodTable 0x{type:X}";
            }
            catch (Exception)
            {
                return $"MethodTable 0x{type:X}";
            }
        }

        public static void Print(int top)
        {
            Row[] rows = Take();
            ulong bytes = 0, count = 0;
            foreach (Row r in rows)
            {
                bytes += r.Bytes;
                count += r.Count;
            }
            System.Console.WriteLine($"census: {count} blocks, {bytes} bytes held, {rows.Length} kinds; {GcHandles.Describe()}; "
                + $"finalizers {Finalization.FinalizersRun} run, {Finalization.Pending} pending, {Finalization.Registered} registered; the largest:");
            for (int i = 0; i < rows.Length && i < top; i++)
            {
                System.Console.WriteLine($"  {rows[i].Bytes,8} B {rows[i].Count,6} x {NameOf(rows[i].Type)}");
            }
        }
    }
}
#endif

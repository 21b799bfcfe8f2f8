// Interface calls. A call site does `lea r11, [cell]; call [r11]`, and every cell's first word points at
// RhpInitialDynamicInterfaceDispatch (Boot/runtime.asm). The stub looks (cell, receiver's MethodTable) up in a
// direct-mapped cache and jumps to the cached target; on a miss it calls CoreLib's RhpCidResolve, which reads
// the cell through RhpGetDispatchCellInfo, resolves with CoreLib's own DispatchResolve (class chains, default
// interface methods, generic variance) and stores the answer with RhpUpdateDispatchCellCache.
// Cell format (ilc 10): { stub, (relative pointer to the interface MethodTable from this word) | 3 }, the
// cells of one interface method grouped and closed by one terminator { 0, slot } (slot in the low 16 bits).
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Runtime
{
    internal static unsafe class InterfaceDispatch
    {
        // The cache lives in Boot/runtime.asm's .bss so the stub can index it without a call; its hash and size
        // are defined there once (DISPATCH_CACHE_ENTRIES) and read here through BuddyOS_DispatchCacheMask.
        private struct Entry
        {
            public nint Cell;
            public MethodTable* Type;
            public nint Target;
        }

        private struct CellInfo   // CoreLib's DispatchCellInfo
        {
            public int CellType;             // 0: InterfaceAndSlot
            public MethodTable* InterfaceType;
            public ushort InterfaceSlot;
            public byte HasCache;
            public uint MetadataToken;
            public uint VTableOffset;
        }

        private const int InterfaceRelativePointer = 3;

        [RuntimeImport("BuddyOS_DispatchCache")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern Entry* Cache();

        [RuntimeImport("BuddyOS_DispatchCacheMask")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern nuint CacheMask();

        public static ulong Misses;

        // The same hash as the stub: ((MethodTable ^ cell) >> 4) & mask.
        private static Entry* EntryFor(nint cell, MethodTable* type) =>
            Cache() + ((((nuint)type ^ (nuint)cell) >> 4) & CacheMask());

        // Dispatch cells made at run time (the type loader's, for reflection): the ilc format, in memory below
        // 4 GiB so that the relative pointer to an image MethodTable fits in 32 bits. Never freed.
        private static nint* s_cellPool;
        private static int s_cellsLeft;

        [RuntimeExport("RhNewInterfaceDispatchCell")]
        private static nint* NewInterfaceDispatchCell(MethodTable* interfaceType, int slot)
        {
            if (s_cellsLeft == 0)
            {
                s_cellPool = (nint*)PhysicalMemory.Take(4096, 4096);
                if (s_cellPool == null)
                    return null;
                Libc.ZeroMemory(s_cellPool, 4096);
                s_cellsLeft = 4096 / 32;
            }
            nint* cell = s_cellPool;
            s_cellPool += 4;
            s_cellsLeft--;
            long relative = (byte*)interfaceType - (byte*)(cell + 1);
            if (relative != (int)relative)
                Panic.Fail("runtime: an interface MethodTable out of 32-bit reach of its dispatch cell, at", (ulong)interfaceType);
            cell[0] = StubAddress();
            *(int*)(cell + 1) = (int)relative | InterfaceRelativePointer;
            cell[2] = 0;
            cell[3] = slot;
            return cell;
        }

        [RuntimeImport("BuddyOS_InterfaceDispatchStub")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern nint StubAddress();

        [RuntimeExport("RhpGetDispatchCellInfo")]
        private static void GetDispatchCellInfo(nint* cell, CellInfo* info)
        {
            int relative = *(int*)(cell + 1);
            if ((relative & 3) != InterfaceRelativePointer)
                Panic.Fail("runtime: an interface dispatch cell of a kind BuddyOS does not know, at", (ulong)cell);
            nint* terminator = cell;
            while (*terminator != 0)
                terminator += 2;
            info->CellType = 0;
            info->InterfaceType = (MethodTable*)((byte*)(cell + 1) + (relative & ~3));
            info->InterfaceSlot = (ushort)terminator[1];
            info->HasCache = 0;
            info->MetadataToken = 0;
            info->VTableOffset = 0;
        }

        [RuntimeExport("RhpSearchDispatchCellCache")]
        private static nint SearchDispatchCellCache(nint cell, MethodTable* type)
        {
            Entry* entry = EntryFor(cell, type);
            return entry->Cell == cell && entry->Type == type ? entry->Target : 0;
        }

        [RuntimeExport("RhpUpdateDispatchCellCache")]
        private static nint UpdateDispatchCellCache(nint cell, nint target, MethodTable* type, CellInfo* info)
        {
            Misses++;
            Entry* entry = EntryFor(cell, type);
            entry->Cell = 0;   // never half-written under a matching cell: the stub compares the cell first
            entry->Type = type;
            entry->Target = target;
            entry->Cell = cell;
            return target;
        }
    }
}

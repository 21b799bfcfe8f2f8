// Interface calls. Each call site owns a dispatch cell; its first word points at the asm stub
// RhpInitialDynamicInterfaceDispatch, which calls Resolve with the receiver and the cell. Resolve
// reads (interface, slot) from the cell, then walks the receiver's class chain: each class's dispatch
// map says which of its vtable (or sealed-vtable) slots implements that interface slot.
// No caching: every interface call pays for the walk (a few dozen instructions for small maps).
using System;
using System.Runtime;
using BuddyOS.Kernel;

namespace Internal.Runtime
{
    internal static unsafe class InterfaceDispatch
    {
        // ilc 10 emits the call sites of one interface method as a group of cells, each { stub, (relative
        // pointer to the interface MethodTable from this word) | 3 }, closed by one terminator { 0, slot }
        // (slot in the low 16 bits): two call sites of IShape.Area share one terminator.
        private struct Cell
        {
            public nint Stub;
            public int InterfaceRelative;
            public int Reserved;
        }

        private const int FlagMask = 3;
        private const int InterfaceRelativePointer = 3;

        [RuntimeExport("BuddyOS_ResolveInterfaceCall")]
        private static nint Resolve(object receiver, Cell* cell)
        {
            MethodTable* interfaceType = InterfaceOf(cell);
            Cell* terminator = cell;
            while (terminator->Stub != 0)
                terminator++;
            int slot = (ushort)*(nint*)&terminator->InterfaceRelative;
            nint target = FindImplementation(receiver.GetMethodTable(), interfaceType, (ushort)slot);
            if (target == 0)
                Panic.InterfaceCallFailed(receiver.GetMethodTable(), interfaceType, slot);
            return target;
        }

        private static MethodTable* InterfaceOf(Cell* cell)
        {
            int raw = cell->InterfaceRelative;
            if ((raw & FlagMask) != InterfaceRelativePointer)
                Panic.Fail("interface dispatch: unknown dispatch cell format", (ulong)(nint)cell);
            return (MethodTable*)((byte*)&cell->InterfaceRelative + (raw & ~FlagMask));
        }

        internal static nint FindImplementation(MethodTable* type, MethodTable* interfaceType, ushort slot)
        {
            for (MethodTable* current = type; current != null; current = current->BaseType)
            {
                DispatchMap* map = current->DispatchMap;
                if (map == null)
                    continue;
                DispatchMap.Entry* entries = map->Entries;
                MethodTable** interfaces = current->InterfaceMap;
                for (int i = 0; i < map->StandardEntryCount; i++)
                {
                    if (entries[i].InterfaceMethodSlot != slot || interfaces[entries[i].InterfaceIndex] != interfaceType)
                        continue;
                    int implementation = entries[i].ImplementationSlot;
                    // Slots below the vtable size are ordinary virtuals (take the receiver's override);
                    // the rest index this class's sealed-virtual table.
                    if (implementation < current->NumVtableSlots)
                        return type->Vtable[implementation];
                    return current->GetSealedVirtualSlot(implementation - current->NumVtableSlots);
                }
            }
            return 0;
        }
    }
}

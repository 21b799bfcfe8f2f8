// libSystem.Native's memory functions, as the kernel answers them.
//   Malloc/Calloc/Realloc/AlignedAlloc/Free (NativeMemory, CoreLib's native buffers): raw blocks of the kernel
//     heap, zeroed, never swept by the collector, given back by Free.
//   MMap/MProtect/MUnmap (CoreLib's frozen-object heap reserves 4 MiB and commits 64 KiB at a time): address
//     space from RAM outside the heap (PhysicalMemory: the multiboot2 memory map). A reservation is a range of
//     identity-mapped RAM; committing zeroes the part of it not committed before. Nothing is unmapped.
using System.Runtime;

namespace BuddyOS.Kernel.Runtime.Platform
{
    internal static unsafe class Memory
    {
        private const int ProtRead = 1, ProtWrite = 2;
        private const int MaxReservations = 8;
        private const ulong PageSize = 4096;

        private struct Reservation
        {
            public byte* Start;
            public byte* End;
            public byte* Committed;   // [Start, Committed) has been zeroed
        }

        [System.Runtime.CompilerServices.InlineArray(MaxReservations)]
        private struct ReservationTable
        {
            private Reservation _first;
        }

        private static ReservationTable s_reservations;
        private static int s_reservationCount;

        public static ulong ReservedBytes { get; private set; }
        public static ulong CommittedBytes { get; private set; }
        public static byte* FirstReservation => s_reservationCount == 0 ? null : s_reservations[0].Start;
        public static ulong MallocBlocks { get; private set; }

        [RuntimeExport("SystemNative_Malloc")]
        private static void* Malloc(nuint size) => Allocate(size, 16);

        [RuntimeExport("SystemNative_Calloc")]
        private static void* Calloc(nuint count, nuint size)
        {
            nuint bytes;
            if (size != 0 && count > nuint.MaxValue / size)
                return null;
            bytes = count * size;
            return Allocate(bytes, 16);
        }

        [RuntimeExport("SystemNative_AlignedAlloc")]
        private static void* AlignedAlloc(nuint alignment, nuint size) => Allocate(size, alignment);

        [RuntimeExport("SystemNative_Realloc")]
        private static void* Realloc(void* block, nuint size)
        {
            if (block == null)
                return Allocate(size, 16);
            BuddyOS.Heap.HeapStatus status = KernelHeap.Heap.TryReallocate((byte*)block, size == 0 ? 1 : size, out byte* moved);
            return status == BuddyOS.Heap.HeapStatus.Ok ? moved : null;
        }

        [RuntimeExport("SystemNative_Free")]
        private static void Free(void* block)
        {
            if (block == null)
                return;
            BuddyOS.Heap.HeapStatus status = KernelHeap.TryFreeRaw((byte*)block);
            if (status != BuddyOS.Heap.HeapStatus.Ok)
                Panic.Fail("runtime: NativeMemory.Free of a pointer the heap refused (" + BuddyOS.Heap.HeapStatusNames.Name(status) + "), at", (ulong)block);
            MallocBlocks--;
        }

        [RuntimeExport("SystemNative_AlignedFree")]
        private static void AlignedFree(void* block) => Free(block);

        private static void* Allocate(nuint size, nuint alignment)
        {
            if (KernelHeap.TryAllocateRaw(size == 0 ? 1 : size, alignment < 16 ? 16 : alignment, out byte* block) != BuddyOS.Heap.HeapStatus.Ok)
                return null;   // NativeMemory turns this into an OutOfMemoryException
            MallocBlocks++;
            return block;
        }

        [RuntimeExport("SystemNative_MMap")]
        private static void* MMap(void* address, ulong length, int protection, int flags, nint fd, long offset)
        {
            if (fd != -1 || s_reservationCount == MaxReservations || length == 0)
                return null;   // no files to map; MAP_FAILED reads as null in CoreLib
            ulong size = (length + PageSize - 1) & ~(PageSize - 1);
            byte* start = PhysicalMemory.Take(size, PageSize);
            if (start == null)
                return null;
            ref Reservation reservation = ref s_reservations[s_reservationCount++];
            reservation.Start = start;
            reservation.End = start + size;
            reservation.Committed = start;
            ReservedBytes += size;
            if ((protection & (ProtRead | ProtWrite)) != 0)
                Commit(ref reservation, start, size);
            return start;
        }

        [RuntimeExport("SystemNative_MProtect")]
        private static int MProtect(byte* address, ulong length, int protection)
        {
            for (int i = 0; i < s_reservationCount; i++)
            {
                ref Reservation reservation = ref s_reservations[i];
                if (address >= reservation.Start && address + length <= reservation.End)
                {
                    if ((protection & (ProtRead | ProtWrite)) != 0)
                        Commit(ref reservation, address, length);
                    return 0;
                }
            }
            return -1;
        }

        // Unmapping gives nothing back (PhysicalMemory only grows); the range stays reserved.
        [RuntimeExport("SystemNative_MUnmap")]
        private static int MUnmap(byte* address, ulong length) => 0;

        private static void Commit(ref Reservation reservation, byte* address, ulong length)
        {
            byte* end = address + length;
            if (end <= reservation.Committed)
                return;
            Libc.ZeroMemory(reservation.Committed, (nuint)(end - reservation.Committed));
            CommittedBytes += (ulong)(end - reservation.Committed);
            reservation.Committed = end;
        }
    }
}

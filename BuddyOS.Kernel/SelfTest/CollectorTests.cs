// The collector's boot self-tests. Each measures held bytes after a full collection before and after its
// work, and does the work in a NoInlining method: once that returns, its frames lie below the stack pointer,
// where the conservative scan does not look (and a collection zeroes them), so nothing it allocated can be
// kept alive by a stale stack word, and held bytes must come back (TestContext.HeldAtMost). The tests collect
// with Collector.CollectHere, called from the test method itself: a direct asm call, so no managed frame with a
// padding slot (RyuJIT aligns with `push rax`, which can save a stale pointer) sits between the test and the
// scan, as CoreLib's frames do under GC.Collect (gc_api tests GC.Collect itself).
// Addresses a test wants to check later are kept complemented (~address): a plain address in a local would
// itself be a conservative root and keep the object alive.
#if !KERNEL_HEAP_BUMP
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BuddyOS.Kernel.GarbageCollection;
using BuddyOS.Kernel.Runtime;

namespace BuddyOS.Kernel.SelfTest
{
    internal static unsafe class CollectorTests
    {
        private sealed class Node
        {
            public Node Next;
            public Node Cross;
            public int Value;
        }

        private sealed class Payload
        {
            public int Id;
            public int[] Data;
            public string Name;
        }

        private sealed class ListNode   // 24-byte object, a 32-byte block: the most nodes that fit
        {
            public ListNode Next;
            public int Value;
        }

        private struct Pair
        {
            public object A;
            public long X;
            public string B;
            public int Y;
        }

        private static Payload s_onlyFromStatic;

        private static ulong Held => (ulong)KernelHeap.Statistics.HeldBytes;

        private static nuint Hide(object obj) => ~(nuint)Allocation.AddressOf(obj);

        // The block at a hidden address is no longer a live object (freed, or at most reused as raw memory).
        private static bool Freed(nuint hidden) => !Collector.IsObject((void*)~hidden);

        // ---------------------------------------------------------------- gc_api

        // System.GC with .NET's meanings: Collect counts one collection, GetTotalMemory(false) does not collect,
        // GetTotalMemory(true) collects (CoreLib repeats until two results agree within 5%) and frees garbage;
        // GetGCMemoryInfo describes the heap; a no-GC region holds collections back and ends as .NET says.
        public static void Api(TestContext t)
        {
            t.Equal(0, (ulong)GC.MaxGeneration, "MaxGeneration");
            int count = GC.CollectionCount(0);
            GC.Collect();
            t.Equal((ulong)(count + 1), (ulong)GC.CollectionCount(0), "CollectionCount(0) after one GC.Collect()");
            t.Equal(0, (ulong)GC.CollectionCount(1), "CollectionCount(1): no generation 1");
            Collector.CollectHere();
            ulong before = (ulong)KernelHeap.Statistics.HeldBytes;
            nuint hidden = MakeOneGarbageArray();
            count = GC.CollectionCount(0);   // after the array: under gc.stress=1 its allocation collected first
            long seen = GC.GetTotalMemory(false);
            t.Equal((ulong)count, (ulong)GC.CollectionCount(0), "GetTotalMemory(false) collected");
            t.Check((ulong)seen >= before + 8000, "GetTotalMemory(false) did not see the new 8000-byte array");
            t.Check(!Freed(hidden), "the garbage array is gone before any collection");
            long total = GC.GetTotalMemory(true);
            t.Check(GC.CollectionCount(0) > count, "GetTotalMemory(true) did not collect");
            t.Equal((ulong)total, Held, "GetTotalMemory(true): the bytes held once it collected");
            // GC.Collect and GetTotalMemory reach the collector through CoreLib's frames, where a stale word can
            // keep the array for one more collection (see the top of this file): a direct collection frees it.
            Collector.CollectHere();
            t.Check(Freed(hidden), "a collection after GetTotalMemory(true) did not free the garbage array");

            GCMemoryInfo info = GC.GetGCMemoryInfo();
            int countAtInfo = GC.CollectionCount(0);   // before the checks below allocate (gc.stress may collect there)
            t.Equal((ulong)(KernelHeap.Top - KernelHeap.Bottom), (ulong)info.TotalAvailableMemoryBytes, "GCMemoryInfo.TotalAvailableMemoryBytes: the heap's size");
            t.Check(info.HeapSizeBytes > 0 && info.HeapSizeBytes < info.TotalAvailableMemoryBytes, $"GCMemoryInfo.HeapSizeBytes {info.HeapSizeBytes}");
            t.Equal((ulong)countAtInfo, (ulong)info.Index, "GCMemoryInfo.Index: the last collection's number");

            // A no-GC region: 64 KiB promised, gc.stress held back, then ended by hand; too much is refused.
            t.Check(GC.TryStartNoGCRegion(64 * 1024), "TryStartNoGCRegion(64 KiB) refused");
            int inRegion = GC.CollectionCount(0);
            for (int i = 0; i < 100; i++)
                GC.KeepAlive(new byte[100]);
            t.Equal((ulong)inRegion, (ulong)GC.CollectionCount(0), "a collection inside the no-GC region");
            GC.EndNoGCRegion();
            bool tooLarge = false;
            try
            {
                GC.TryStartNoGCRegion(64L << 20);
            }
            catch (ArgumentOutOfRangeException)
            {
                tooLarge = true;
            }
            t.Check(tooLarge, "TryStartNoGCRegion(64 MiB) on a 4 MiB heap did not throw ArgumentOutOfRangeException");
            bool exceeded = false;
            GC.TryStartNoGCRegion(1024);
            GC.KeepAlive(new byte[4096]);
            try
            {
                GC.EndNoGCRegion();
            }
            catch (InvalidOperationException)
            {
                exceeded = true;
            }
            t.Check(exceeded, "EndNoGCRegion after allocating more than promised did not throw InvalidOperationException");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static nuint MakeOneGarbageArray() => Hide(new long[1000]);

        // ---------------------------------------------------------------- gc_garbage

        public static void Garbage(TestContext t)
        {
            ulong target = TestContext.Full ? 256UL << 20 : 16UL << 20;
            Collector.CollectHere();
            ulong before = Held;
            int collectionsBefore = GC.CollectionCount(0);
            ulong allocatedBefore = KernelHeap.ObjectBytesAllocated;
            MakeGarbage(t, target);
            ulong allocated = KernelHeap.ObjectBytesAllocated - allocatedBefore;
            int collections = GC.CollectionCount(0) - collectionsBefore;
            t.Check(allocated >= target, "allocated less than the target");
            // Each collection can give back at most the heap: fewer would mean memory came from nowhere.
            t.Check((ulong)collections >= allocated / (4UL << 20), "fewer collections than heapfuls allocated");
            Collector.CollectHere();
            t.HeldAtMost(before, "held bytes after the final collection");
            t.Note = string.Concat(((allocated + (1 << 19)) >> 20).ToString(), " MiB through the 4 MiB heap, ",
                collections.ToString(), " collections");
        }

        // Objects, arrays of ints and of references, and strings of mixed sizes; a rolling window of 64 stays
        // live across collections and is checked at the end, so a collection that freed a live object fails.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeGarbage(TestContext t, ulong target)
        {
            Payload[] window = new Payload[64];
            ulong start = KernelHeap.ObjectBytesAllocated;
            int i = 0;
            while (KernelHeap.ObjectBytesAllocated - start < target)
            {
                Payload p = new Payload();
                p.Id = i;
                p.Data = new int[i % 61 + 1];
                p.Data[p.Data.Length - 1] = i;
                if (i % 8 == 0)
                    p.Name = string.Concat("payload-", i.ToString());
                object[] refs = new object[i % 13 + 1];
                refs[0] = p;
                refs[refs.Length - 1] = new Node();
                if (i % 97 == 0)
                    refs[0] = new byte[(i % 5 + 1) * 700];
                window[i & 63] = p;
                i++;
            }
            for (int j = 0; j < 64; j++)
            {
                Payload p = window[j];
                if (!t.Check(p != null && (p.Id & 63) == j, "window entry lost or wrong"))
                    return;
                if (!t.Equal((ulong)p.Id, (ulong)p.Data[p.Data.Length - 1], "window entry's array"))
                    return;
                if (p.Id % 8 == 0 && !t.Equal(string.Concat("payload-", p.Id.ToString()), p.Name, "window entry's string"))
                    return;
            }
        }

        // ---------------------------------------------------------------- gc_list_growth

        public static void ListGrowth(TestContext t)
        {
            Collector.CollectHere();
            ulong before = Held;
            GrowList(t);
            Collector.CollectHere();
            t.HeldAtMost(before, "held bytes once the list is unreachable and collected");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void GrowList(TestContext t)
        {
            List<int> list = new List<int>();
            for (int i = 0; i < 500; i++)
                list.Add(i);
            t.Equal(500, (ulong)list.Count, "count at 500");
            for (int i = 0; i < 500; i++)
                if (!t.Equal((ulong)i, (ulong)list[i], "element at 500"))
                    return;
            for (int i = 500; i < 100000; i++)
                list.Add(i);
            t.Equal(100000, (ulong)list.Count, "count at 100,000");
            t.Equal(131072, (ulong)list.Capacity, "capacity after doubling from 4");
            for (int i = 0; i < 100000; i++)
                if (!t.Equal((ulong)i, (ulong)list[i], "element at 100,000"))
                    return;
            t.InKernelHeap(Unsafe.AsPointer(ref MemoryMarshal.GetReference(CollectionsMarshal.AsSpan(list))), "list buffer");
        }

        // ---------------------------------------------------------------- gc_roots

        public static void Roots(TestContext t)
        {
            Collector.CollectHere();
            ulong before = Held;
            nuint fromStatic, fromLocal, fromArray, fromStruct, fromRange;
            KeepThroughCollections(t, out fromStatic, out fromLocal, out fromArray, out fromStruct, out fromRange);
            s_onlyFromStatic = null;
            Collector.CollectHere();
            t.Check(Freed(fromStatic), "object once only in a static field was not freed");
            t.Check(Freed(fromLocal), "object once only in a caller's local was not freed");
            t.Check(Freed(fromArray), "object once only in an array element was not freed");
            t.Check(Freed(fromStruct), "object once only in a struct in an array was not freed");
            t.Check(Freed(fromRange), "object once only in a registered root range was not freed");
            Collector.CollectHere();
            t.HeldAtMost(before, "held bytes once every root is gone");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void KeepThroughCollections(TestContext t, out nuint fromStatic, out nuint fromLocal,
            out nuint fromArray, out nuint fromStruct, out nuint fromRange)
        {
            s_onlyFromStatic = MakePayload(1);
            Payload local = MakePayload(2);
            object[] array = new object[8];
            array[5] = MakePayload(3);
            Pair[] pairs = new Pair[4];
            pairs[2].A = MakePayload(4);
            pairs[2].B = string.Concat("pair-", 4.ToString());
            pairs[2].X = 44;

            // A raw block holding an object's address as an integer: a root only through Roots.AddRange.
            byte* raw = KernelHeap.AllocateRaw(64, 8);
            *(nuint*)(raw + 24) = (nuint)Allocation.AddressOf(MakePayload(5));
            int range = GarbageCollection.Roots.AddRange(raw, raw + 64);
            t.Check(range >= 0, "no free root range slot");

            int collections = GC.CollectionCount(0);
            for (int round = 0; round < 20; round++)
            {
                ChurnAndCollect(round);
                if (!CheckPayload(t, s_onlyFromStatic, 1, "static field")
                    || !CheckPayload(t, local, 2, "caller's local")
                    || !CheckPayload(t, (Payload)array[5], 3, "array element")
                    || !CheckPayload(t, (Payload)pairs[2].A, 4, "struct in an array")
                    || !CheckPayload(t, (Payload)Allocation.AsObject((void*)*(nuint*)(raw + 24)), 5, "registered range"))
                    break;
                t.Equal("pair-4", pairs[2].B, "string in a struct in an array");
                t.Equal(44, (ulong)pairs[2].X, "long in a struct in an array");
            }
            t.Check(GC.CollectionCount(0) - collections >= 20, "fewer collections than rounds");

            fromStatic = Hide(s_onlyFromStatic);
            fromLocal = Hide(local);
            fromArray = Hide(array[5]);
            fromStruct = Hide(pairs[2].A);
            fromRange = ~*(nuint*)(raw + 24);
            GarbageCollection.Roots.RemoveRange(range);
            KernelHeap.TryFreeRaw(raw);
        }

        private static Payload MakePayload(int id)
        {
            Payload p = new Payload();
            p.Id = id;
            p.Data = new int[id * 10];
            for (int i = 0; i < p.Data.Length; i++)
                p.Data[i] = id * 1000 + i;
            p.Name = string.Concat("root-", id.ToString());
            return p;
        }

        private static bool CheckPayload(TestContext t, Payload p, int id, string where)
        {
            if (!t.Check(p != null && p.Id == id, string.Concat("object reachable only from ", where, " lost")))
                return false;
            for (int i = 0; i < p.Data.Length; i++)
                if (!t.Equal((ulong)(id * 1000 + i), (ulong)p.Data[i], string.Concat("array of the object reachable only from ", where)))
                    return false;
            return t.Equal(string.Concat("root-", id.ToString()), p.Name, string.Concat("string of the object reachable only from ", where));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ChurnAndCollect(int round)
        {
            for (int i = 0; i < 200; i++)
            {
                Node n = new Node();
                n.Value = round * 1000 + i;
                n.Next = new Node();
            }
            Collector.CollectHere();
        }

        // ---------------------------------------------------------------- gc_cycles

        public static void Cycles(TestContext t)
        {
            Collector.CollectHere();
            ulong before = Held;
            nuint first = BuildRingAndCheck(t);
            Collector.CollectHere();
            t.Check(Freed(first), "a node of the unreachable ring was not freed");
            Collector.CollectHere();
            t.HeldAtMost(before, "held bytes once the ring is unreachable");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static nuint BuildRingAndCheck(TestContext t)
        {
            const int Count = 1000;
            Node[] nodes = new Node[Count];
            for (int i = 0; i < Count; i++)
            {
                nodes[i] = new Node();
                nodes[i].Value = i;
            }
            for (int i = 0; i < Count; i++)
            {
                nodes[i].Next = nodes[(i + 1) % Count];
                nodes[i].Cross = nodes[(i * 7 + 3) % Count];
            }
            Node head = nodes[0];
            nodes = null;
            Collector.CollectHere();   // the ring is reachable through head only
            Node n = head;
            for (int i = 0; i < Count; i++)
            {
                if (!t.Equal((ulong)i, (ulong)n.Value, "ring node after a collection")
                    || !t.Equal((ulong)((i * 7 + 3) % Count), (ulong)n.Cross.Value, "cross link after a collection"))
                    break;
                n = n.Next;
            }
            t.Check(n == head, "the ring closes after 1000 nodes");
            return Hide(head);
        }

        // ---------------------------------------------------------------- gc_mark_overflow

        // One array referencing three times as many objects as the mark stack holds: marking it overflows the
        // stack, and the rescan of the heap's marked objects must still reach every child.
        public static void MarkOverflow(TestContext t)
        {
            Collector.CollectHere();
            ulong before = Held;
            ulong overflows = Collector.MarkStackOverflows, rescans = Collector.OverflowRescans;
            int count = 3 * Collector.MarkStackCapacity;
            nuint first = BuildWideAndCheck(t, count);
            t.Check(Collector.MarkStackOverflows > overflows, "the mark stack never overflowed");
            t.Check(Collector.OverflowRescans > rescans, "no heap rescan after the overflow");
            Collector.CollectHere();
            t.Check(Freed(first), "an element of the unreachable wide array was not freed");
            t.HeldAtMost(before, "held bytes once the wide array is unreachable");
            t.Note = string.Concat(count.ToString(), string.Concat(" children of one array, mark stack ", Collector.MarkStackCapacity.ToString()),
                string.Concat(" entries: ", (Collector.MarkStackOverflows - overflows).ToString(), " overflow, ",
                    string.Concat((Collector.OverflowRescans - rescans).ToString(), " rescans")));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static nuint BuildWideAndCheck(TestContext t, int count)
        {
            object[] wide = new object[count];
            for (int i = 0; i < count; i++)
            {
                Node n = new Node();
                n.Value = i;
                n.Next = new Node();
                n.Next.Value = -i;
                wide[i] = n;
            }
            Collector.CollectHere();
            for (int i = 0; i < count; i++)
            {
                Node n = (Node)wide[i];
                if (!t.Equal((ulong)i, (ulong)n.Value, "wide array element after an overflowing mark")
                    || !t.Equal((ulong)(long)-i, (ulong)(long)n.Next.Value, "its child after an overflowing mark"))
                    break;
            }
            return Hide(wide[count - 1]);
        }

        // ---------------------------------------------------------------- gc_deep

        public static void Deep(TestContext t)
        {
            Collector.CollectHere();
            ulong before = Held;
            ulong heldWithList;
            int nodes = BuildDeepList(t, out heldWithList);
            t.Check(heldWithList - before >= (ulong)nodes * 32, "the list's nodes were not all held");
            Collector.CollectHere();
            t.HeldAtMost(before, "held bytes once the list is unreachable");
            t.Note = string.Concat(nodes.ToString(), " nodes (all that fit in the heap's free bytes; 1,000,000 need 32 MiB)");
        }

        // As many 32-byte nodes as the heap's free bytes allow (less a margin for the test's own needs),
        // at most a million, marked by a collection while every node is live.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int BuildDeepList(TestContext t, out ulong heldWithList)
        {
            ulong free = (ulong)KernelHeap.Statistics.FreeBytes;
            ulong fit = free > (256UL << 10) ? (free - (256UL << 10)) / 32 : 0;
            int count = fit > 1000000 ? 1000000 : (int)fit;
            ListNode head = null;
            for (int i = 0; i < count; i++)
            {
                ListNode n = new ListNode();
                n.Value = i;
                n.Next = head;
                head = n;
            }
            Collector.CollectHere();
            heldWithList = (ulong)GC.GetTotalMemory(false);
            int seen = 0;
            for (ListNode n = head; n != null; n = n.Next)
            {
                if (n.Value != count - 1 - seen && !t.Equal((ulong)(count - 1 - seen), (ulong)n.Value, "node value after marking"))
                    break;
                seen++;
            }
            t.Equal((ulong)count, (ulong)seen, "nodes still linked after marking");
            return count;
        }
    }
}
#else
namespace BuddyOS.Kernel.SelfTest
{
    // The bump build has no collector; the runner reports these tests as XFAIL and never calls them.
    internal static class CollectorTests
    {
        public static void Api(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
        public static void Garbage(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
        public static void ListGrowth(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
        public static void Roots(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
        public static void Cycles(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
        public static void Deep(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
        public static void MarkOverflow(TestContext t) => t.Check(false, GarbageCollection.Collector.Unsupported);
    }
}
#endif

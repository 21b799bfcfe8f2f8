// bcl_weak: GC handles with .NET's meaning, through the types people use: WeakReference is cleared once its
// target is unreachable; a ConditionalWeakTable value lives exactly as long as its key; GCHandle keeps and pins.
// Helpers that allocate are NoInlining and collections are direct (Collector.CollectHere), so no stale stack
// word keeps a target alive (see CollectorTests).
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using BuddyOS.Kernel.GarbageCollection;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class WeakTests
    {
        private sealed class Key
        {
            public int Id;
        }

        private sealed class Value
        {
            public byte[] Payload = new byte[256];
        }

        private static Key s_key;

        private sealed class Finalizable
        {
            public static int Finalized;
            public static Finalizable Resurrected;
            public bool Resurrect;
            public byte[] Payload = new byte[100];

            ~Finalizable()
            {
                Finalized++;
                if (Resurrect)
                    Resurrected = this;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference MakeFinalizable(bool resurrect, bool suppress, bool trackResurrection)
        {
            var f = new Finalizable { Resurrect = resurrect };
            if (suppress)
                GC.SuppressFinalize(f);
            return new WeakReference(f, trackResurrection);
        }

        public static void Weak(TestContext t)
        {
            // A weak reference does not keep its target; a strong one does.
            WeakReference<Key> weak = MakeWeak(out GCHandle strong);
            Collector.CollectHere();
            t.Check(weak.TryGetTarget(out Key kept) && kept.Id == 7, "a weak target held by a normal GCHandle was collected");
            kept = null;
            strong.Free();
            Collector.CollectHere();
            t.Check(!weak.TryGetTarget(out _), "WeakReference<T> not cleared once its target became unreachable");
            WeakReference plain = MakePlainWeak();
            Collector.CollectHere();
            t.Check(!plain.IsAlive && plain.Target == null, "WeakReference not cleared once its target became unreachable");

            // ConditionalWeakTable: the value is reachable while the key is, even with no other reference to it...
            var table = new ConditionalWeakTable<Key, Value>();
            WeakReference valueWhileKeyLives = AttachValue(table, keepKey: true);
            Collector.CollectHere();
            t.Check(valueWhileKeyLives.IsAlive, "a ConditionalWeakTable value died while its key lived");
            t.Check(table.TryGetValue(s_key, out Value found) && found.Payload.Length == 256, "ConditionalWeakTable lookup by the live key");
            found = null;
            // ...and dies with the key.
            s_key = null;
            Collector.CollectHere();
            t.Check(!valueWhileKeyLives.IsAlive, "a ConditionalWeakTable value outlived its key");
            GC.KeepAlive(table);

            // Finalizers: run from a queue after the collection that found the object unreachable; a short weak
            // reference is cleared before, a long one (trackResurrection) only once the object is really gone.
            int before = Finalizable.Finalized;
            WeakReference shortWeak = MakeFinalizable(resurrect: false, suppress: false, trackResurrection: false);
            WeakReference longWeak = MakeFinalizable(resurrect: false, suppress: false, trackResurrection: true);
            Collector.CollectHere();
            t.Check(!shortWeak.IsAlive, "a short weak reference to an object awaiting its finalizer was not cleared");
            t.Check(longWeak.IsAlive, "a long weak reference was cleared before the finalizer ran");
            GC.WaitForPendingFinalizers();
            t.Equal((ulong)(before + 2), (ulong)Finalizable.Finalized, "finalizers run by WaitForPendingFinalizers");
            Collector.CollectHere();
            t.Check(!longWeak.IsAlive, "a long weak reference outlived its finalized target");
            MakeFinalizable(resurrect: false, suppress: true, trackResurrection: false);
            Collector.CollectHere();
            GC.WaitForPendingFinalizers();
            t.Equal((ulong)(before + 2), (ulong)Finalizable.Finalized, "GC.SuppressFinalize did not stop the finalizer");
            MakeFinalizable(resurrect: true, suppress: false, trackResurrection: false);
            Collector.CollectHere();
            GC.WaitForPendingFinalizers();
            t.Check(Finalizable.Resurrected != null && Finalizable.Resurrected.Payload.Length == 100, "a finalizer's resurrection lost the object or its payload");
            Finalizable.Resurrected = null;

            // WeakReference frees its GC handle in its finalizer: a thousand dropped ones give every handle back.
            Collector.CollectHere();
            GC.WaitForPendingFinalizers();
            int handlesBefore = Runtime.GcHandles.InUse;
            MakeWeakReferences(1000);
            Collector.CollectHere();
            GC.WaitForPendingFinalizers();
            Collector.CollectHere();
            t.Equal((ulong)handlesBefore, (ulong)Runtime.GcHandles.InUse, "GC handles in use after 1000 WeakReference objects died and were finalized");

            // Pinned: the address stays the object's (nothing moves in BuddyOS) and the handle keeps it alive.
            byte[] buffer = new byte[64];
            GCHandle pin = GCHandle.Alloc(buffer, GCHandleType.Pinned);
            unsafe
            {
                t.Check((void*)pin.AddrOfPinnedObject() == Unsafe.AsPointer(ref buffer[0]), "AddrOfPinnedObject is not the array's first element");
            }
            pin.Free();

            // Bad input: a freed or never allocated handle is an InvalidOperationException, not a fault.
            bool freedTwice = false;
            try
            {
                pin.Free();
            }
            catch (InvalidOperationException)
            {
                freedTwice = true;
            }
            t.Check(freedTwice, "GCHandle.Free twice did not throw InvalidOperationException");
            bool unallocated = false;
            try
            {
                GC.KeepAlive(default(GCHandle).Target);
            }
            catch (InvalidOperationException)
            {
                unallocated = true;
            }
            t.Check(unallocated, "Target of an unallocated GCHandle did not throw InvalidOperationException");
            t.Check(ParseTests.Throws<ArgumentException>(() => GCHandle.Alloc(new Value(), GCHandleType.Pinned)),
                "pinning an object with references did not throw ArgumentException");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference<Key> MakeWeak(out GCHandle strong)
        {
            var key = new Key { Id = 7 };
            strong = GCHandle.Alloc(key, GCHandleType.Normal);
            return new WeakReference<Key>(key);
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void MakeWeakReferences(int count)
        {
            for (int i = 0; i < count; i++)
                GC.KeepAlive(new WeakReference<Key>(new Key { Id = i }));
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference MakePlainWeak() => new WeakReference(new Key { Id = 8 });

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static WeakReference AttachValue(ConditionalWeakTable<Key, Value> table, bool keepKey)
        {
            var key = new Key { Id = 9 };
            var value = new Value();
            table.Add(key, value);
            if (keepKey)
                s_key = key;
            return new WeakReference(value);
        }
    }
}

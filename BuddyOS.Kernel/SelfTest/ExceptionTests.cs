// try/catch/finally through the kernel's own dispatcher (Runtime/Exceptions/). Every helper that
// throws is NoInlining, so the throw really crosses frames, and inputs come from NoInlining sources,
// so ilc cannot fold a fault or a check away at compile time.
using System;
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.SelfTest
{
    internal sealed class ParseException : Exception
    {
        public readonly int Position;
        public ParseException(string message, int position) : base(message) { Position = position; }
    }

    internal interface IThrower
    {
        void Fire(int position);
    }

    // Two implementations behind a NoInlining factory: the call really goes through interface dispatch.
    internal sealed class ParseThrower : IThrower
    {
        public void Fire(int position) => throw new ParseException("through an interface", position);
    }

    internal sealed class CastThrower : IThrower
    {
        public void Fire(int position) => throw new InvalidCastException();
    }

    internal delegate void ThrowingCallback(int position);

    internal static class GenericThrower<T> where T : class
    {
        [MethodImpl(MethodImplOptions.NoInlining)]
        public static void Throw(T what, int position) => throw new ParseException(what == null ? "null" : "generic", position);
    }

    internal struct ValueThrower
    {
        public int Position;

        [MethodImpl(MethodImplOptions.NoInlining)]
        public void Throw() => throw new ParseException("struct", Position);
    }

    internal sealed class NullHolder
    {
        public int Value;
    }

    // Records its Dispose in the test's log: `using` must dispose on the way out of a throw.
    internal sealed class LoggingResource : IDisposable
    {
        private readonly string _name;
        public LoggingResource(string name) { _name = name; }
        public void Dispose() => ExceptionTests.Log(string.Concat("dispose ", _name, " "));
    }

    internal static unsafe class ExceptionTests
    {
        private static string s_log = "";

        public static void Log(string entry) => s_log = string.Concat(s_log, entry);

        private static string TakeLog()
        {
            string log = s_log;
            s_log = "";
            return log;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Opaque(int value) => value;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static object OpaqueObject(object value) => value;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowParse(string message, int position) => throw new ParseException(message, position);

        // --- exc_catch ---------------------------------------------------------------------------

        public static void Catch(TestContext t)
        {
            string caught = null;
            try
            {
                throw new InvalidOperationException("same method");
            }
            catch (InvalidOperationException e)
            {
                caught = e.Message;
            }
            t.Equal("same method", caught, "throw and catch in one method");

            int position = -1;
            try
            {
                ThrowParse("from a callee", 17);
            }
            catch (ParseException e)
            {
                position = e.Position;
            }
            t.Equal(17, (ulong)position, "catch of an exception thrown by a callee, its field intact");

            string baseCaught = null;
            try
            {
                ThrowParse("derived", 1);
            }
            catch (Exception e)
            {
                baseCaught = e.GetType().FullName;
            }
            t.Equal("BuddyOS.Kernel.SelfTest.ParseException", baseCaught, "a catch of a base type catches a derived one");

            t.Equal("outer", WrongTypePassesBy(), "a catch of the wrong type lets the exception pass to an outer one");

            bool any = false;
            try
            {
                ThrowParse("catch-all", 0);
            }
            catch
            {
                any = true;
            }
            t.Check(any, "catch {} catches everything");

            // Values held in callee-saved registers across a call that throws and catches inside must
            // survive: the catching frame's epilogue restores them from where the unwinder left rsp.
            long a = Opaque(3), b = Opaque(5), c = Opaque(7), d = Opaque(11), e2 = Opaque(13), f = Opaque(17);
            int inner = CatchesInside(Opaque(4));
            t.Equal(4 * 100 + 1, (ulong)inner, "a method that catches inside returns normally");
            t.Equal(3 + 5 * 2 + 7 * 3 + 11 * 4 + 13 * 5 + 17 * 6, (ulong)(a + b * 2 + c * 3 + d * 4 + e2 * 5 + f * 6),
                "the caller's registers survive a throw caught below it");

            int through = 0;
            try
            {
                MakeThrower(0).Fire(21);
            }
            catch (ParseException p)
            {
                through = p.Position;
            }
            try
            {
                MakeThrower(1).Fire(0);
            }
            catch (InvalidCastException)
            {
                through += 100;
            }
            ThrowingCallback callback = ThrowParse21;
            try
            {
                callback(0);
            }
            catch (ParseException p)
            {
                through += p.Position * 1000;
            }
            t.Equal(21 + 100 + 21000, (ulong)through, "throws through interface dispatch and a delegate are caught");

            int generic = 0;
            try
            {
                GenericThrower<string>.Throw("generic", 30);
            }
            catch (ParseException p)
            {
                generic = p.Position;
            }
            try
            {
                new ValueThrower { Position = 12 }.Throw();
            }
            catch (ParseException p)
            {
                generic += p.Position;
            }
            t.Equal(42, (ulong)generic, "throws from a shared generic method and a struct method are caught");

            int continued = 0;
            for (int i = 0; i < 5; i++)
            {
                try
                {
                    if (Opaque(i) % 2 == 1)
                        ThrowParse("odd", i);
                    continued += 10;
                }
                catch (ParseException p)
                {
                    continued += p.Position;
                }
            }
            t.Equal(10 + 1 + 10 + 3 + 10, (ulong)continued, "execution continues after the catch, in a loop");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IThrower MakeThrower(int kind) => kind == 0 ? new ParseThrower() : new CastThrower();

        private static void ThrowParse21(int position) => ThrowParse("through a delegate", position + 21);

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string WrongTypePassesBy()
        {
            string where = "none";
            try
            {
                try
                {
                    ThrowParse("wrong type", 2);
                }
                catch (InvalidCastException)
                {
                    where = "inner";
                }
            }
            catch (ParseException)
            {
                where = where == "none" ? "outer" : "inner and outer";
            }
            return where;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int CatchesInside(int depth)
        {
            try
            {
                return Deep(depth, 0);
            }
            catch (ParseException p)
            {
                return p.Position + 1;
            }
        }

        // Keeps several values live across the recursive call, so every frame uses callee-saved registers.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Deep(int depth, int acc)
        {
            if (depth == 0)
                ThrowParse("bottom", acc);
            int x = Opaque(depth * 3), y = Opaque(depth * 5), z = Opaque(depth * 7);
            int r = Deep(depth - 1, acc + 100);
            return r + x + y + z;
        }

        // --- exc_unwind --------------------------------------------------------------------------

        public static void Unwind(TestContext t)
        {
            TakeLog();
            int caughtAt = -1;
            try
            {
                Level(10);
            }
            catch (ParseException e)
            {
                caughtAt = e.Position;
                Log("catch ");
            }
            t.Equal(0, (ulong)caughtAt, "thrown 10 frames deep, caught at the top");
            t.Equal("finally 1 finally 2 finally 3 finally 4 dispose level5 finally 5 finally 6 finally 7 finally 8 finally 9 finally 10 catch ",
                TakeLog(), "every finally once, innermost first, `using` disposed, then the catch");

            // 200 frames: every finally runs, innermost (level 1) first, and the walk handles a deep stack.
            s_nextLevel = 1;
            s_outOfOrder = 0;
            try
            {
                CountingLevel(200);
            }
            catch (ParseException)
            {
            }
            t.Equal(201, (ulong)s_nextLevel, "200 frames deep: every finally ran once");
            t.Equal(0, (ulong)s_outOfOrder, "200 frames deep: finally blocks ran out of order");

            // A finally also runs when nothing is thrown, and only once.
            try
            {
                Log("body ");
            }
            finally
            {
                Log("finally ");
            }
            t.Equal("body finally ", TakeLog(), "finally without a throw");

            // Nested finally blocks in one frame, the catch in the same frame.
            try
            {
                try
                {
                    try
                    {
                        ThrowParse("nested", 3);
                    }
                    finally
                    {
                        Log("inner ");
                    }
                }
                finally
                {
                    Log("middle ");
                }
            }
            catch (ParseException)
            {
                Log("catch ");
            }
            t.Equal("inner middle catch ", TakeLog(), "nested finally blocks of one frame run innermost first");
        }

        // Level 0 throws; levels 1..10 each have a finally (level 5 a `using` too); between levels 7 and 6
        // sits a frame addressed from rbp (stackalloc); ThrowParse itself is a frame without EH.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void Level(int n)
        {
            if (n == 0)
            {
                ThrowParse("level 0", 0);
                return;
            }
            try
            {
                if (n == 5)
                {
                    using (new LoggingResource("level5"))
                        Level(n - 1);
                }
                else if (n == 7)
                    StackallocFrame(n - 1);
                else
                    Level(n - 1);
            }
            finally
            {
                Log(string.Concat("finally ", n.ToString(), " "));
            }
        }

        private static int s_nextLevel, s_outOfOrder;

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void CountingLevel(int n)
        {
            if (n == 0)
                ThrowParse("deep", 0);
            try
            {
                CountingLevel(n - 1);
            }
            finally
            {
                if (n != s_nextLevel)
                    s_outOfOrder++;
                s_nextLevel++;
            }
        }

        // A stack buffer of run-time size makes ilc address the frame from rbp: its CFI says
        // DW_CFA_def_cfa_register rbp, which the unwinder must follow to get past this frame.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void StackallocFrame(int n)
        {
            byte* buffer = stackalloc byte[Opaque(64)];
            buffer[0] = (byte)n;
            Level(n);
            Log(buffer[0] == (byte)n ? "unreachable " : "corrupt ");
        }

        // --- exc_filter --------------------------------------------------------------------------

        public static void Filter(TestContext t)
        {
            TakeLog();
            string taken = null;
            try
            {
                ThrowParse("yes", 1);
            }
            catch (ParseException e) when (e.Message == "no")
            {
                taken = "refusing filter";
            }
            catch (ParseException e) when (e.Message == "yes")
            {
                taken = "accepting filter";
            }
            t.Equal("accepting filter", taken, "a refusing filter passes, an accepting one takes the exception");

            try
            {
                FinallyBelowFilter();
            }
            catch (ParseException) when (LogAndAccept("filter "))
            {
                Log("catch ");
            }
            t.Equal("filter finally catch ", TakeLog(), "the filter runs in pass 1, before the finally below it");

            string after = null;
            try
            {
                ThrowParse("filter throws", 2);
            }
            catch (ParseException) when (ThrowingFilter())
            {
                after = "throwing filter took it";
            }
            catch (ParseException p)
            {
                after = string.Concat("next clause got ", p.Message);
            }
            t.Equal("next clause got filter throws", after, "an exception inside a filter counts as false");

            int outerSeen = 0;
            try
            {
                try
                {
                    ThrowParse("refused everywhere inside", 3);
                }
                catch (ParseException) when (Opaque(0) == 1)
                {
                    outerSeen = -1;
                }
            }
            catch (ParseException p) when (p.Position == 3)
            {
                outerSeen = p.Position;
            }
            t.Equal(3, (ulong)outerSeen, "an outer filter sees what an inner one refused");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void FinallyBelowFilter()
        {
            try
            {
                ThrowParse("below the filter", 4);
            }
            finally
            {
                Log("finally ");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool LogAndAccept(string entry)
        {
            Log(entry);
            return true;
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static bool ThrowingFilter()
        {
            ThrowParse("inside the filter", 99);
            return true;
        }

        // --- exc_rethrow -------------------------------------------------------------------------

        public static void Rethrow(TestContext t)
        {
            TakeLog();
            ParseException original = new ParseException("original", 5);
            object seen = null;
            try
            {
                RethrowBare(original);
            }
            catch (ParseException e)
            {
                seen = e;
            }
            t.Check((object)seen == original, "`throw;` rethrows the same object");
            t.Equal("catch finally-above-rethrow ", TakeLog(), "`throw;` from a catch runs the finally between it and the outer catch");

            seen = null;
            try
            {
                RethrowNamed(original);
            }
            catch (ParseException e)
            {
                seen = e;
            }
            t.Check((object)seen == original, "`throw e;` throws the same object again");

            string which = null;
            try
            {
                ThrowInsideFinally();
            }
            catch (InvalidOperationException e)
            {
                which = e.Message;
            }
            catch (ParseException)
            {
                which = "the original escaped";
            }
            t.Equal("from the finally", which, "an exception thrown inside a finally replaces the one in flight");
            t.Equal("finally outer-finally ", TakeLog(), "the enclosing finally still runs once");

            seen = null;
            try
            {
                RethrowAfterNestedCatch(original);
            }
            catch (ParseException e)
            {
                seen = e;
            }
            t.Check((object)seen == original, "`throw;` after a nested try/catch inside the catch rethrows the outer exception");

            string replaced = null;
            try
            {
                try
                {
                    ThrowParse("first", 1);
                }
                catch (ParseException)
                {
                    throw new InvalidOperationException("thrown by a catch");
                }
            }
            catch (ParseException)
            {
                replaced = "the catch's own try caught it";
            }
            catch (InvalidOperationException e)
            {
                replaced = e.Message;
            }
            t.Equal("thrown by a catch", replaced, "a throw inside a catch goes past the catch's own try");

            t.Equal("outer", SiblingCatchSkipped(), "a throw inside a catch skips the sibling catches of the same try");

            int caughtInFinally = 0;
            try
            {
                try
                {
                    ThrowParse("outer", 1);
                }
                finally
                {
                    try
                    {
                        ThrowParse("handled inside the finally", 2);
                    }
                    catch (ParseException p)
                    {
                        caughtInFinally = p.Position;
                    }
                }
            }
            catch (ParseException p)
            {
                caughtInFinally = caughtInFinally * 10 + p.Position;
            }
            t.Equal(21, (ulong)caughtInFinally, "a throw caught inside a finally leaves the original dispatch going");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string SiblingCatchSkipped()
        {
            try
            {
                try
                {
                    ThrowParse("first", 1);
                }
                catch (ParseException)
                {
                    throw new InvalidCastException();
                }
                catch (InvalidCastException)
                {
                    return "sibling";
                }
            }
            catch (InvalidCastException)
            {
                return "outer";
            }
            return "nothing caught";
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RethrowBare(ParseException e)
        {
            try
            {
                try
                {
                    throw e;
                }
                catch (ParseException)
                {
                    Log("catch ");
                    throw;
                }
            }
            finally
            {
                Log("finally-above-rethrow ");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RethrowNamed(ParseException original)
        {
            try
            {
                ThrowParse("replaced below", 6);
            }
            catch (ParseException)
            {
                throw original;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowInsideFinally()
        {
            try
            {
                try
                {
                    ThrowParse("original", 7);
                }
                finally
                {
                    Log("finally ");
                    throw new InvalidOperationException("from the finally");
                }
            }
            finally
            {
                Log("outer-finally ");
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void RethrowAfterNestedCatch(ParseException original)
        {
            try
            {
                throw original;
            }
            catch (ParseException)
            {
                try
                {
                    ThrowParse("nested", 8);
                }
                catch (ParseException)
                {
                }
                throw;
            }
        }

        // --- exc_hardware ------------------------------------------------------------------------

        [RuntimeImport("BuddyOS_ReadFlags")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern ulong ReadFlags();

        private const ulong InterruptFlag = 1UL << 9;

        public static void Hardware(TestContext t)
        {
            ulong interruptsBefore = ReadFlags() & InterruptFlag;
            t.Check(!Interrupts.Irq.Initialized || interruptsBefore != 0, "interrupts are on while the self-tests run");
            t.Equal("System.NullReferenceException", Caught(0), "a null dereference (#PF in page 0)");
            t.Equal("System.DivideByZeroException", Caught(1), "an int division by zero (#DE)");
            t.Equal("System.DivideByZeroException", Caught(2), "a long division by zero (#DE)");
            t.Equal("System.OverflowException", Caught(3), "int.MinValue / -1 (#DE with a non-zero divisor)");
            t.Equal("System.IndexOutOfRangeException", Caught(4), "an index out of range");
            t.Equal("System.InvalidCastException", Caught(5), "an invalid cast");
            t.Equal("System.OverflowException", Caught(6), "a checked overflow");
            t.Equal("System.NullReferenceException", Caught(7), "a virtual call on null");
            t.Equal("none", Caught(8), "the kernel goes on: the same code without a fault");
            string inFinally = null;
            try
            {
                try
                {
                    ThrowParse("replaced by a fault", 1);
                }
                finally
                {
                    inFinally = "ran";
                    Fault(0);
                }
            }
            catch (NullReferenceException)
            {
                inFinally = string.Concat(inFinally, ", the fault replaced the exception");
            }
            catch (ParseException)
            {
                inFinally = string.Concat(inFinally, ", the original escaped");
            }
            t.Equal("ran, the fault replaced the exception", inFinally, "a CPU fault inside a finally during unwinding");

            string inFilter = null;
            try
            {
                ThrowParse("filter faults", 2);
            }
            catch (ParseException) when (Fault(0) == 0)
            {
                inFilter = "the faulting filter took it";
            }
            catch (ParseException)
            {
                inFilter = "the next clause took it";
            }
            t.Equal("the next clause took it", inFilter, "a CPU fault inside a filter counts as false");

            // The catch resumes without iretq, so the dispatcher restores IF itself; the self-tests run with
            // interrupts on (the timer ticks), so IF must be back on after each of these catches.
            t.Equal(interruptsBefore, ReadFlags() & InterruptFlag, "RFLAGS.IF after catches that resumed from CPU faults");
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static string Caught(int kind)
        {
            try
            {
                Fault(kind);
                return "none";
            }
            catch (Exception e)
            {
                return e.GetType().FullName;
            }
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int[] MakeArray(int length) => new int[length];

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static NullHolder NoHolder(int kind) => kind < 100 ? null : new NullHolder();

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int Fault(int kind)
        {
            int zero = Opaque(0), minusOne = Opaque(-1);
            switch (kind)
            {
                case 0: return NoHolder(kind).Value;
                case 1: return Opaque(10) / zero;
                case 2: return (int)((long)Opaque(10) / (long)zero);
                case 3: return Opaque(int.MinValue) / minusOne;
                case 4: return MakeArray(3)[Opaque(5)];
                case 5: return ((string)OpaqueObject(new NullHolder())).Length;
                case 6: return checked(Opaque(int.MaxValue) + Opaque(1));
                case 7: return OpaqueObject(null).GetHashCode();
                default: return Opaque(10) / Opaque(2) + MakeArray(3)[Opaque(2)];
            }
        }

        // --- exc_heap ----------------------------------------------------------------------------

        // A thousand exceptions (thrown objects and CPU faults turned into exceptions) thrown and caught, none
        // freed by hand: after a collection the heap holds what it held before, so the dispatcher keeps
        // nothing alive and loses nothing.
        public static void Heap(TestContext t)
        {
            const int Throws = 1000;
            GarbageCollection.Collector.CollectHere();   // called here, not through a helper: see CollectorTests
            ulong heldBefore = (ulong)KernelHeap.Statistics.HeldBytes;
            int caught = ThrowAndCatch(Throws);
            GarbageCollection.Collector.CollectHere();
            t.Equal(Throws, (ulong)caught, "every exception caught");
            t.HeldAtMost(heldBefore, "heap held bytes after 1000 exceptions thrown, caught and collected");
            t.Check(Exceptions.ExceptionDispatcher.InFlight == null, "no dispatch left in flight");
        }

        // Caught exceptions are left to the collector, like any garbage.
        [MethodImpl(MethodImplOptions.NoInlining)]
        private static int ThrowAndCatch(int throws)
        {
            int caught = 0;
            for (int i = 0; i < throws; i++)
            {
                try
                {
                    if (i % 2 == 0)
                        ThrowParse("heap", i);
                    else
                        Fault(i % 3 == 0 ? 0 : 1);
                }
                catch (Exception)
                {
                    caught++;
                }
            }
            return caught;
        }
    }
}

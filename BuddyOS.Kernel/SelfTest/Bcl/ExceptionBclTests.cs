// bcl_exceptions: CoreLib's own exceptions, thrown from inside the base library and caught in the kernel with
// their messages; finally runs; ToString carries a stack trace named by the runtime's stack trace metadata.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class ExceptionBclTests
    {
        private sealed class Holder
        {
            public string Text;
        }

        public static void Exceptions(TestContext t)
        {
            var dictionary = new Dictionary<string, int>();
            string keyMessage = Catch<KeyNotFoundException>(() => GC.KeepAlive(dictionary["nope"]));
            t.Equal("The given key 'nope' was not present in the dictionary.", keyMessage, "KeyNotFoundException message");

            var list = new List<int> { 1, 2, 3 };
            string rangeMessage = Catch<ArgumentOutOfRangeException>(() => list.RemoveAt(7));
            t.Check(rangeMessage != null && rangeMessage.StartsWith("Index was out of range.") && rangeMessage.Contains("'index'"),
                $"ArgumentOutOfRangeException message: {rangeMessage}");

            object boxed = "a string";
            string castMessage = Catch<InvalidCastException>(() => GC.KeepAlive((int)boxed));
            // NativeAOT's message (CoreCLR's would name both types; NativeAOT keeps no type names for casts).
            t.Equal("Specified cast is not valid.", castMessage, "InvalidCastException message");

            // A NullReferenceException raised by a CPU fault inside base-library code (string.Length of null,
            // inside string.Concat's loop over its arguments' lengths).
            Holder holder = MakeHolder(null);
            string nullMessage = Catch<NullReferenceException>(() => GC.KeepAlive(holder.Text.ToUpperInvariant()));
            t.Equal("Object reference not set to an instance of an object.", nullMessage, "NullReferenceException message");

            // A null receiver of an interface call (the dispatch stub's fault counts as the caller's).
            IComparable<int> none = NoComparable();
            t.Check(Catch<NullReferenceException>(() => GC.KeepAlive(none.CompareTo(1))) != null, "an interface call on null did not throw NullReferenceException");

            // A static constructor that throws: TypeInitializationException, with the cause inside, every time.
            for (int i = 0; i < 2; i++)
            {
                TypeInitializationException init = null;
                try
                {
                    GC.KeepAlive(BadStatics.Value);
                }
                catch (TypeInitializationException e)
                {
                    init = e;
                }
                t.Check(init != null && init.InnerException is FormatException,
                    $"a throwing static constructor, attempt {i + 1}: {(init == null ? "no TypeInitializationException" : $"{init.Message} / {init.InnerException?.GetType().Name}")}");
            }

            int finallyRuns = 0;
            try
            {
                try
                {
                    throw new InvalidOperationException("inner");
                }
                finally
                {
                    finallyRuns++;
                }
            }
            catch (InvalidOperationException e) when (e.Message == "inner")
            {
                finallyRuns += 10;
            }
            t.Equal(11, (ulong)finallyRuns, "finally ran before the catch that took the exception");

            var aggregate = new AggregateException("several", new FormatException("one"), new ArgumentException("two"));
            t.Equal(2, (ulong)aggregate.InnerExceptions.Count, "AggregateException.InnerExceptions");
            var wrapped = new InvalidOperationException("outer", new FormatException("root cause"));
            t.Equal("root cause", wrapped.InnerException.Message, "InnerException");

            // ToString: type, message, and the frames from the throw to the catch, by method name.
            string text = null;
            try
            {
                ThrowFromHere(3);
            }
            catch (ArgumentException e)
            {
                text = e.ToString();
            }
            t.Check(text != null && text.StartsWith("System.ArgumentException: depth 0 (Parameter 'depth')"), $"ToString's first line: {FirstLine(text)}");
            t.Check(text != null && Count(text, "ExceptionBclTests.ThrowFromHere(") == 4, $"ToString's stack trace lacks the four ThrowFromHere frames: {text}");
            t.Check(text != null && text.Contains("ExceptionBclTests.Exceptions("), $"ToString's stack trace lacks the catching method: {text}");
            t.Note = text == null ? null : $"ToString's first frame: {text.Split('\n')[1].Trim()}";
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static Holder MakeHolder(string text) => new Holder { Text = text };

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static IComparable<int> NoComparable() => null;

        private static class BadStatics
        {
            public static readonly int Value = int.Parse(Unparsable());

            [MethodImpl(MethodImplOptions.NoInlining)]
            private static string Unparsable() => "not a number";
        }

        [MethodImpl(MethodImplOptions.NoInlining)]
        private static void ThrowFromHere(int depth)
        {
            if (depth == 0)
                throw new ArgumentException("depth 0", nameof(depth));
            ThrowFromHere(depth - 1);
            GC.KeepAlive(depth);   // not a tail call: every frame stays on the stack
        }

        private static string Catch<T>(Action action) where T : Exception
        {
            try
            {
                action();
            }
            catch (T e)
            {
                return e.Message;
            }
            return null;
        }

        private static string FirstLine(string text) => text == null ? "(none)" : text.Split('\n')[0];

        private static int Count(string text, string part)
        {
            int count = 0;
            for (int at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
                count++;
            return count;
        }
    }
}

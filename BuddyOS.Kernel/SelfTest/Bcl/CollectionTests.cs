// bcl_collections: the real System.Collections.Generic in the kernel, each type through growth, removal and
// the error a bad call gets.
using System;
using System.Collections.Generic;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class CollectionTests
    {
        public static void Collections(TestContext t)
        {
            // Dictionary: growth far past its initial buckets, removal, lookups that miss.
            var squares = new Dictionary<int, long>();
            for (int i = 0; i < 5000; i++)
                squares[i] = (long)i * i;
            for (int i = 0; i < 5000; i += 2)
                squares.Remove(i);
            t.Equal(2500, (ulong)squares.Count, "Dictionary count after 5000 adds and 2500 removals");
            t.Check(squares.TryGetValue(4999, out long last) && last == 4999L * 4999, "Dictionary lookup of 4999");
            t.Check(!squares.ContainsKey(4998), "Dictionary still holds a removed key");
            bool missing = false;
            try
            {
                GC.KeepAlive(squares[-1]);
            }
            catch (KeyNotFoundException e)
            {
                missing = e.Message.Contains("-1");
            }
            t.Check(missing, "Dictionary indexer on a missing key did not throw KeyNotFoundException naming the key");
            bool duplicate = false;
            try
            {
                squares.Add(1, 0);
            }
            catch (ArgumentException)
            {
                duplicate = true;
            }
            t.Check(duplicate, "Dictionary.Add of an existing key did not throw ArgumentException");

            // Dictionary with string keys (string hashing is randomised per boot: the seed must come from somewhere).
            var words = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (string w in "the quick brown fox jumps over the lazy dog the end".Split(' '))
                words[w] = words.TryGetValue(w, out int n) ? n + 1 : 1;
            t.Equal(3, (ulong)words["the"], "word count of \"the\"");
            t.Equal(9, (ulong)words.Count, "distinct words");

            var set = new HashSet<string> { "a", "b", "c" };
            t.Check(!set.Add("a") && set.Add("d") && set.Count == 4, "HashSet add semantics");
            set.IntersectWith(new[] { "b", "d", "z" });
            t.Equal("b,d", string.Join(",", Sorted(set)), "HashSet.IntersectWith");

            var queue = new Queue<int>();
            var stack = new Stack<int>();
            for (int i = 1; i <= 100; i++)
            {
                queue.Enqueue(i);
                stack.Push(i);
            }
            t.Check(queue.Dequeue() == 1 && stack.Pop() == 100 && queue.Count == 99 && stack.Peek() == 99, "Queue is FIFO, Stack is LIFO");
            queue.Clear();
            bool empty = false;
            try
            {
                queue.Dequeue();
            }
            catch (InvalidOperationException)
            {
                empty = true;
            }
            t.Check(empty, "Dequeue on an empty Queue did not throw InvalidOperationException");

            var sorted = new SortedDictionary<string, int> { ["pear"] = 3, ["apple"] = 1, ["fig"] = 2 };
            t.Equal("apple,fig,pear", string.Join(",", sorted.Keys), "SortedDictionary keeps keys in order");

            var list = new List<string> { "delta", "Alpha", "charlie", "Bravo" };
            list.Sort(StringComparer.OrdinalIgnoreCase);
            t.Equal("Alpha,Bravo,charlie,delta", string.Join(",", list), "List.Sort with a comparer");
            list.Sort((a, b) => b.Length.CompareTo(a.Length) != 0 ? b.Length.CompareTo(a.Length) : string.CompareOrdinal(a, b));
            t.Equal("charlie,Alpha,Bravo,delta", string.Join(",", list), "List.Sort with a Comparison");
            bool range = false;
            try
            {
                GC.KeepAlive(list[4]);
            }
            catch (ArgumentOutOfRangeException)
            {
                range = true;
            }
            t.Check(range, "List indexer past the end did not throw ArgumentOutOfRangeException");

            var linked = new LinkedList<int>();
            LinkedListNode<int> middle = linked.AddLast(2);
            linked.AddFirst(1);
            linked.AddAfter(middle, 3);
            linked.Remove(middle);
            t.Equal("1,3", string.Join(",", linked), "LinkedList after AddFirst/AddAfter/Remove");

            int[] numbers = { 5, 3, 9, 1, 7 };
            Array.Sort(numbers);
            t.Equal("1,3,5,7,9", string.Join(",", numbers), "Array.Sort");
            t.Equal(3, (ulong)Array.BinarySearch(numbers, 7), "Array.BinarySearch");
        }

        private static List<string> Sorted(IEnumerable<string> items)
        {
            var list = new List<string>(items);
            list.Sort(StringComparer.Ordinal);
            return list;
        }
    }
}

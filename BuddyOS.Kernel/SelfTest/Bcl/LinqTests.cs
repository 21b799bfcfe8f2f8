// bcl_linq: System.Linq over arrays, lists and iterators (deferred execution included).
using System;
using System.Collections.Generic;
using System.Linq;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class LinqTests
    {
        private sealed class Order
        {
            public string Customer;
            public int Amount;
        }

        public static void Linq(TestContext t)
        {
            int[] numbers = Enumerable.Range(1, 100).ToArray();
            t.Equal(2550, (ulong)numbers.Where(x => x % 2 == 0).Sum(), "Where + Sum");
            t.Equal("1,4,9,16,25", string.Join(",", numbers.Select(x => x * x).Take(5)), "Select + Take");
            t.Equal("100,99,98", string.Join(",", numbers.OrderByDescending(x => x).Take(3)), "OrderByDescending");
            t.Check(numbers.Any(x => x > 99) && numbers.All(x => x > 0) && !numbers.Contains(0), "Any/All/Contains");
            t.Equal("50.5", numbers.Average().ToString(), "Average");

            var orders = new List<Order>
            {
                new Order { Customer = "ann", Amount = 30 },
                new Order { Customer = "bob", Amount = 10 },
                new Order { Customer = "ann", Amount = 12 },
                new Order { Customer = "cy", Amount = 7 },
                new Order { Customer = "bob", Amount = 5 },
            };
            string totals = string.Join(";", orders.GroupBy(o => o.Customer)
                .Select(g => new { Name = g.Key, Total = g.Sum(o => o.Amount), Count = g.Count() })
                .OrderByDescending(x => x.Total).ThenBy(x => x.Name)
                .Select(x => $"{x.Name}={x.Total}/{x.Count}"));
            t.Equal("ann=42/2;bob=15/2;cy=7/1", totals, "GroupBy + anonymous types + OrderBy/ThenBy");
            var lookup = orders.ToDictionary(o => o.Customer + o.Amount, o => o.Amount);
            t.Equal(5, (ulong)lookup.Count, "ToDictionary");
            t.Equal("ann,bob,cy", string.Join(",", orders.Select(o => o.Customer).Distinct().OrderBy(s => s)), "Distinct");
            var joined = orders.Join(new[] { ("ann", "Oslo"), ("cy", "Lima") }, o => o.Customer, c => c.Item1, (o, c) => c.Item2 + o.Amount);
            t.Equal("Oslo30,Oslo12,Lima7", string.Join(",", joined), "Join");

            // Deferred execution: the query runs when enumerated, each time.
            int evaluated = 0;
            IEnumerable<int> lazy = numbers.Select(x => { evaluated++; return x; }).Where(x => x <= 3);
            t.Equal(0, (ulong)evaluated, "a query ran before it was enumerated");
            t.Equal(3, (ulong)lazy.Count(), "deferred query count");
            t.Equal(100, (ulong)evaluated, "deferred query evaluated each source element once");
            t.Equal("1,1,2,3,5", string.Join(",", Fibonacci().Skip(1).Take(5)), "LINQ over a yield iterator");

            bool empty = false;
            try
            {
                GC.KeepAlive(Array.Empty<int>().First());
            }
            catch (InvalidOperationException)
            {
                empty = true;
            }
            t.Check(empty, "First() of an empty sequence did not throw InvalidOperationException");
            t.Equal(0, (ulong)Array.Empty<int>().FirstOrDefault(), "FirstOrDefault of an empty sequence");
            bool single = false;
            try
            {
                GC.KeepAlive(numbers.Single(x => x > 50));
            }
            catch (InvalidOperationException)
            {
                single = true;
            }
            t.Check(single, "Single() with many matches did not throw InvalidOperationException");
        }

        private static IEnumerable<int> Fibonacci()
        {
            int a = 0, b = 1;
            while (true)
            {
                yield return a;
                (a, b) = (b, a + b);
            }
        }
    }
}

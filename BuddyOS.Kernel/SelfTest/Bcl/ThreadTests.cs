// bcl_threads: one CPU and one thread, told truthfully: the current thread exists, locks and Interlocked work,
// and starting another thread is a PlatformNotSupportedException that names the kernel.
using System;
using System.Threading;
using System.Threading.Tasks;

namespace BuddyOS.Kernel.SelfTest.Bcl
{
    internal static class ThreadTests
    {
        private static readonly object s_gate = new object();
        private static bool s_taskRunChecked;

        public static void Threads(TestContext t)
        {
            t.Equal(1, (ulong)Environment.ProcessorCount, "Environment.ProcessorCount");
            t.Check(Thread.CurrentThread.ManagedThreadId > 0, "Thread.CurrentThread.ManagedThreadId");
            int counter = 0;
            lock (s_gate)
            {
                lock (s_gate)   // Monitor is re-entrant
                    counter++;
            }
            t.Equal(1, (ulong)counter, "nested lock");
            t.Equal(5, (ulong)Interlocked.Add(ref counter, 4), "Interlocked.Add");
            t.Equal(5, (ulong)Interlocked.CompareExchange(ref counter, 9, 5), "Interlocked.CompareExchange");
            t.Equal(9, (ulong)counter, "Interlocked.CompareExchange stored");

            var worker = new Thread(() => counter++);
            string message = null;
            try
            {
                worker.Start();
            }
            catch (PlatformNotSupportedException e)
            {
                message = e.Message;
            }
            t.Check(message != null && message.Contains("BuddyOS"), $"Thread.Start: {message ?? "no PlatformNotSupportedException"}");
            t.Equal(9, (ulong)counter, "the thread's body ran");

            // Task.Run needs the thread pool's threads: the scheduler's exception, with that PlatformNotSupportedException
            // inside. Once per boot: the pool counts its first worker before starting it and does not take the count back
            // when the start throws, so a later Task.Run queues its work for a worker it believes exists (docs/runtime.md).
            if (s_taskRunChecked)
            {
                t.Note = "rerun: Task.Run was checked at boot (a second Task.Run in a boot queues work nothing runs)";
            }
            else
            {
                s_taskRunChecked = true;
                Exception pool = null;
                try
                {
                    Task.Run(() => counter++).Wait();
                }
                catch (Exception e)
                {
                    pool = e;
                }
                t.Check(pool is TaskSchedulerException && pool.InnerException is PlatformNotSupportedException && pool.InnerException.Message.Contains("BuddyOS"),
                    $"Task.Run: {(pool == null ? "ran" : $"{pool.GetType().Name}: {pool.Message} / {pool.InnerException?.Message}")}");
            }

            // async code that completes synchronously needs no thread.
            t.Equal(42, (ulong)SumAsync(40).GetAwaiter().GetResult(), "an async method that completes synchronously");
            t.Check(Task.FromResult(3).Result == 3 && Task.CompletedTask.IsCompleted, "completed tasks");
        }

        private static async Task<int> SumAsync(int a)
        {
            await Task.CompletedTask;
            return a + await Task.FromResult(2);
        }
    }
}

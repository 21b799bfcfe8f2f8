namespace MyKernel;

/// <summary>
/// Your kernel. BuddyOS boots the machine, runs the self-tests added below, calls BeforeRun once, then Run again and
/// again until Stop(). System.Console, collections, LINQ and the garbage collector work as in any .NET program.
/// </summary>
public sealed class Kernel : BuddyOS.Framework.Kernel
{
    protected override void BeforeRun()
    {
        Console.WriteLine("MyKernel booted. Type a line; 'exit' stops the machine.");
    }

    protected override void Run()
    {
        Console.Write("> ");
        string? line = Console.ReadLine();
        if (line is null or "exit")
        {
            Stop();
            return;
        }
        Console.WriteLine($"You typed: {line}");
    }

    protected override void AfterRun() => Console.WriteLine(HeapStatistics.Current);

    protected override void AddSelfTests(SelfTestList tests)
    {
        tests.Add("kernel_sanity", t => t.Equal(4, 2 + 2, "2 + 2"));
    }
}

// A first kernel on BuddyOS: it reads lines with Console.ReadLine, counts their words in a Dictionary, and shows
// the kernel heap's statistics. BuddyOS boots, runs the self-test below, calls BeforeRun once, then Run for
// every line until `quit`.
namespace HelloKernel;

public sealed class WordCountKernel : Kernel
{
    private readonly WordCounter _words = new();

    protected override void BeforeRun()
    {
        Console.WriteLine("hello-kernel: type a line and I count its words. Commands: top, heap, quit.");
    }

    protected override void Run()
    {
        Console.Write("hello> ");
        string? line = Console.ReadLine();
        if (line == null)   // no more input
        {
            Stop();
            return;
        }
        switch (line.Trim())
        {
            case "":
                return;
            case "quit":
                Console.WriteLine("bye");
                Stop();
                return;
            case "heap":
                Console.WriteLine(HeapStatistics.Current);
                Console.WriteLine($"gc: {GC.CollectionCount(0)} collections so far");
                return;
            case "top":
                foreach (var (word, count) in _words.Top(5))
                    Console.WriteLine($"{count,5}  {word}");
                return;
        }
        int added = _words.Add(line);
        var (leader, times) = _words.Top(1).First();
        Console.WriteLine($"{added} words, {_words.Distinct} distinct so far; most common: \"{leader}\" ({times})");
    }

    protected override void AfterRun() => Console.WriteLine(HeapStatistics.Current);

    protected override void AddSelfTests(SelfTestList tests)
    {
        tests.Add("hello_word_count", t =>
        {
            var words = new WordCounter();
            t.Equal(5, words.Add("The cat, the hat and"), "words in the line");
            t.Equal(4, words.Distinct, "distinct words (case and punctuation ignored)");
            t.Equal("the", words.Top(1).First().Word, "most common word");
        });
    }
}

/// <summary>Word counts, case-insensitive, punctuation around a word ignored.</summary>
public sealed class WordCounter
{
    private static readonly char[] Punctuation = ".,;:!?\"'()".ToCharArray();
    private readonly Dictionary<string, int> _counts = new();

    public int Distinct => _counts.Count;

    public int Add(string line)
    {
        int added = 0;
        foreach (string token in line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string word = token.Trim(Punctuation).ToLowerInvariant();
            if (word.Length == 0)
                continue;
            _counts[word] = _counts.GetValueOrDefault(word) + 1;
            added++;
        }
        return added;
    }

    public IEnumerable<(string Word, int Count)> Top(int n) =>
        _counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).Take(n).Select(p => (p.Key, p.Value));
}

using BuddyOS.Trace;

// buddytrace [--size BYTES] [--orders N] [--slabs] [--map FILE.svg] [TRACE-FILE]   (reads standard input without a file)
// --map: after the trace, a picture of the heap (HeapMapSvg.cs). --slabs: the heap with its object cache.
// Exit status: 0 when every invariant held, 1 when a validation found a broken one, 2 on a bad trace or usage.
nuint size = 4u << 20;
int orders = 19;
string? path = null;
string? map = null;
bool slabs = false;
try
{
    for (int i = 0; i < args.Length; i++)
    {
        switch (args[i])
        {
            case "--size": size = nuint.Parse(args[++i]); break;
            case "--orders": orders = int.Parse(args[++i]); break;
            case "--map": map = args[++i]; break;
            case "--slabs": slabs = true; break;
            case "-h" or "--help":
                Console.WriteLine("usage: buddytrace [--size BYTES] [--orders N] [--slabs] [--map FILE.svg] [TRACE-FILE]   (--slabs: with the object cache)");
                Console.WriteLine("trace lines: a ID SIZE [ALIGN] | f ID | r ID SIZE | x OFFSET | v | # comment");
                return 0;
            default: path = args[i]; break;
        }
    }
}
catch (Exception e) when (e is FormatException or IndexOutOfRangeException or OverflowException)
{
    Console.Error.WriteLine($"buddytrace: bad arguments ({e.Message}); see --help");
    return 2;
}

TextReader input = path == null ? Console.In : File.OpenText(path);
TraceReplayer replayer;
try { replayer = new TraceReplayer(size, orders, slabs); }
catch (ArgumentException e) { Console.Error.WriteLine($"buddytrace: {e.Message}"); return 2; }

using (replayer)
{
    int lineNumber = 0;
    for (string? line; (line = input.ReadLine()) != null;)
    {
        lineNumber++;
        try
        {
            string? result = replayer.Execute(line);
            if (result != null) Console.WriteLine(result);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine($"buddytrace: line {lineNumber}: {e.Message}");
            return 2;
        }
    }
    foreach (string line in replayer.Summary()) Console.WriteLine(line);
    if (map != null)
    {
        File.WriteAllText(map, HeapMapSvg.Render(HeapMapSvg.HeapOf(replayer), $"buddytrace {Path.GetFileName(path ?? "(standard input)")}"));
        Console.WriteLine($"# heap map: {map}");
    }
    return replayer.InvariantBroken ? 1 : 0;
}

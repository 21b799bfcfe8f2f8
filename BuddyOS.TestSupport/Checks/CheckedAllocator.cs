using BuddyOS.TestSupport.Allocators;

namespace BuddyOS.TestSupport.Checks;

/// <summary>
/// Wraps an allocator and hunts for misbehaviour on every call: misaligned or overlapping blocks,
/// contents not preserved (each block is filled with its own pattern and verified on free and realloc),
/// frees the allocator rejects, and the allocator's own Validate. Used by --quick and the tests.
/// </summary>
public unsafe struct CheckedAllocator<T> : IBenchAllocator where T : struct, IBenchAllocator
{
    private T _inner;
    private readonly BlockLedger _ledger;

    public CheckedAllocator(T inner, BlockLedger ledger)
    {
        _inner = inner;
        _ledger = ledger;
    }

    public readonly BlockLedger Ledger => _ledger;
    public readonly string Name => _inner.Name;
    public readonly bool ReclaimsOnlyWhenEmpty => _inner.ReclaimsOnlyWhenEmpty;

    public byte* Alloc(nuint size, nuint align)
    {
        byte* p = _inner.Alloc(size, align);
        if (p != null) _ledger.Added(p, size, align, "alloc");
        Tick();
        return p;
    }

    public bool Free(byte* block, nuint size, nuint align)
    {
        _ledger.Removing(block, size, "free");
        bool ok = _inner.Free(block, size, align);
        if (!ok) _ledger.Fail($"free of a live block at {(ulong)block:x} ({size} B) was rejected");
        Tick();
        return ok;
    }

    public byte* Realloc(byte* block, nuint oldSize, nuint newSize, nuint align)
    {
        _ledger.Verify(block, oldSize, "realloc (before)");
        byte* p = _inner.Realloc(block, oldSize, newSize, align);
        if (p == null)
        {
            _ledger.Verify(block, oldSize, "failed realloc (old block must be intact)");
            return null;
        }
        _ledger.Moved(block, oldSize, p, newSize, align);
        Tick();
        return p;
    }

    public void Reset()
    {
        if (_ledger.LiveCount != 0) _ledger.Fail($"Reset with {_ledger.LiveCount} blocks still live");
        _ledger.Clear();
        _inner.Reset();
    }

    public string? Validate() => _inner.Validate();

    /// <summary>Runs the allocator's own Validate every <see cref="BlockLedger.ValidateEvery"/> calls.</summary>
    private void Tick()
    {
        if (_ledger.Tick() && _inner.Validate() is string v) _ledger.Fail("mid-run " + v);
    }
    public string? CheckEmpty() => _inner.CheckEmpty();
}

/// <summary>The live blocks of one checked allocator, kept sorted by address, and the problems found.</summary>
public sealed unsafe class BlockLedger
{
    private readonly List<ulong> _starts = new();
    private readonly List<ulong> _ends = new();
    private readonly List<byte> _patterns = new();
    private byte _nextPattern = 1;
    private long _calls;

    /// <summary>How often (in calls) the checked allocator runs the heap's own Validate.</summary>
    public int ValidateEvery { get; set; } = 1000;

    /// <summary>When false the workload owns block contents: no pattern fill, no content verification.</summary>
    public bool TracksContents { get; set; } = true;
    public bool Tick() => ++_calls % ValidateEvery == 0;

    public string AllocatorName { get; }
    public List<string> Problems { get; } = new();
    public int LiveCount => _starts.Count;

    public BlockLedger(string allocatorName) => AllocatorName = allocatorName;

    public void Fail(string problem)
    {
        if (Problems.Count < 20) Problems.Add(problem);
    }

    public void Clear()
    {
        _starts.Clear();
        _ends.Clear();
        _patterns.Clear();
    }

    public void Added(byte* p, nuint size, nuint align, string what)
    {
        ulong start = (ulong)p, end = start + size;
        if ((start & (align - 1)) != 0) Fail($"{what}: block {start:x} not aligned to {align}");
        int i = _starts.BinarySearch(start);
        if (i >= 0) { Fail($"{what}: block {start:x} handed out twice"); return; }
        i = ~i;
        if (i > 0 && _ends[i - 1] > start) Fail($"{what}: block {start:x}+{size} overlaps live block {_starts[i - 1]:x}..{_ends[i - 1]:x}");
        if (i < _starts.Count && _starts[i] < end) Fail($"{what}: block {start:x}+{size} overlaps live block {_starts[i]:x}..{_ends[i]:x}");
        byte pattern = _nextPattern++;
        if (_nextPattern == 0) _nextPattern = 1;
        if (TracksContents) new Span<byte>(p, (int)size).Fill(pattern);
        _starts.Insert(i, start);
        _ends.Insert(i, end);
        _patterns.Insert(i, pattern);
    }

    public void Verify(byte* p, nuint size, string what)
    {
        int i = _starts.BinarySearch((ulong)p);
        if (i < 0) { Fail($"{what}: {(ulong)p:x} is not a live block"); return; }
        if (_ends[i] - _starts[i] != size) Fail($"{what}: {(ulong)p:x} size mismatch");
        if (TracksContents && new Span<byte>(p, (int)size).IndexOfAnyExcept(_patterns[i]) >= 0)
            Fail($"{what}: contents of block {(ulong)p:x} ({size} B) were overwritten");
    }

    public void Removing(byte* p, nuint size, string what)
    {
        Verify(p, size, what);
        int i = _starts.BinarySearch((ulong)p);
        if (i < 0) return;
        _starts.RemoveAt(i);
        _ends.RemoveAt(i);
        _patterns.RemoveAt(i);
        if (TracksContents) new Span<byte>(p, (int)size).Fill(0xDD); // junk, so a stale user shows up as corruption
    }

    /// <summary>A block moved (or resized in place) by realloc: its prefix must have survived.</summary>
    public void Moved(byte* oldP, nuint oldSize, byte* newP, nuint newSize, nuint align)
    {
        int i = _starts.BinarySearch((ulong)oldP);
        if (i < 0) return;
        byte pattern = _patterns[i];
        _starts.RemoveAt(i);
        _ends.RemoveAt(i);
        _patterns.RemoveAt(i);
        nuint kept = oldSize < newSize ? oldSize : newSize;
        if (TracksContents && new Span<byte>(newP, (int)kept).IndexOfAnyExcept(pattern) >= 0)
            Fail($"realloc {(ulong)oldP:x}+{oldSize} -> {(ulong)newP:x}+{newSize}: contents not preserved");
        Added(newP, newSize, align, "realloc");
    }
}

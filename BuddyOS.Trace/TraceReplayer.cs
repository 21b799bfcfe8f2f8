using System.Globalization;
using System.Runtime.InteropServices;
using BuddyOS.Heap;

namespace BuddyOS.Trace;

/// <summary>
/// Replays a trace, one operation a line, against a fresh buddy heap (with its object cache on request):
/// <c>a ID SIZE [ALIGN]</c> allocate and name the block ID; <c>f ID</c> free it; <c>r ID SIZE</c> reallocate it;
/// <c>x OFFSET</c> free the raw address region start + OFFSET; <c>v</c> validate; <c>#</c> starts a comment.
/// Numbers are decimal or 0x-hex. Each operation prints one line: <c>ok ...</c> or the status name.
/// </summary>
public sealed unsafe class TraceReplayer : IDisposable
{
    private readonly byte* _region;
    private readonly byte* _metadata;
    private readonly nuint _size;
    private readonly IBuddyHeap _heap;   // a boxed handle: copies are the same heap

    /// <summary>The heap the trace runs on (a handle: the same heap), for a picture of it after the trace: the buddy
    /// alone (<see cref="PureBuddyHeap"/>) or with its object cache and placement (<see cref="BuddyHeap"/>).</summary>
    public IBuddyHeap Heap => _heap;
    private readonly Dictionary<string, nint> _blocks = new();   // every ID's latest address, freed ones too
    private readonly HashSet<string> _live = new();

    /// <summary>True once a validation found a broken invariant.</summary>
    public bool InvariantBroken { get; private set; }

    public TraceReplayer(nuint size, int orders, bool objectCache = false)
    {
        nuint metadataBytes = objectCache ? BuddyHeap.MetadataBytes(size, orders) : PureBuddyHeap.MetadataBytes(size, orders);
        if (metadataBytes == 0)
            throw new ArgumentException(objectCache
                ? $"{size} bytes in {orders} orders is not a valid heap with the object cache (size a power of two, at least 4096, minimum block size >> (orders - 1) exactly 16)"
                : $"{size} bytes in {orders} orders is not a valid heap (size a power of two, minimum block size >> (orders - 1) at least 16)");
        _size = size;
        _region = (byte*)NativeMemory.AlignedAlloc(size, size < 4096 ? 4096 : size);
        _metadata = (byte*)NativeMemory.AlignedAlloc(metadataBytes, 16);
        HeapStatus status;
        if (objectCache)
        {
            status = BuddyHeap.TryCreate(_region, size, orders, _metadata, metadataBytes, out BuddyHeap layered);
            _heap = layered;
        }
        else
        {
            status = PureBuddyHeap.TryCreate(_region, size, orders, _metadata, metadataBytes, out PureBuddyHeap pure);
            _heap = pure;
        }
        if (status != HeapStatus.Ok) throw new InvalidOperationException(HeapStatusNames.Name(status));
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(_region);
        NativeMemory.AlignedFree(_metadata);
    }

    /// <summary>Runs one trace line; returns the report line, or null for a blank or comment line.</summary>
    /// <exception cref="FormatException">The line is not an operation of the format.</exception>
    public string? Execute(string line)
    {
        int hash = line.IndexOf('#');
        string[] f = (hash >= 0 ? line[..hash] : line).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (f.Length == 0) return null;
        switch (f[0])
        {
            case "a" when f.Length is 3 or 4:
            {
                if (_live.Contains(f[1])) throw new FormatException($"block {f[1]} is already live");
                HeapStatus st = _heap.TryAllocate(Number(f[2]), f.Length == 4 ? Number(f[3]) : 1, out byte* p);
                _blocks[f[1]] = (nint)p;   // a failed allocation binds the ID to null, as a kernel's variable would hold
                if (st != HeapStatus.Ok) return HeapStatusNames.Name(st);
                _live.Add(f[1]);
                return $"ok {f[1]} {Offset(p)}";
            }
            case "f" when f.Length == 2:
            {
                HeapStatus st = _heap.Free((byte*)Block(f[1]));
                if (st != HeapStatus.Ok) return HeapStatusNames.Name(st);   // freeing a freed ID replays a double free
                _live.Remove(f[1]);
                return $"ok {f[1]}";
            }
            case "r" when f.Length == 3:
            {
                HeapStatus st = _heap.TryReallocate((byte*)Block(f[1]), Number(f[2]), out byte* q);
                if (st != HeapStatus.Ok) return HeapStatusNames.Name(st);
                bool moved = (nint)q != _blocks[f[1]];
                _blocks[f[1]] = (nint)q;
                return $"ok {f[1]} {Offset(q)}{(moved ? " moved" : "")}";
            }
            case "x" when f.Length == 2:
            {
                nuint offset = Number(f[1]);
                HeapStatus st = _heap.Free(_region + offset);
                if (st != HeapStatus.Ok) return HeapStatusNames.Name(st);
                _live.RemoveWhere(id => _blocks[id] == (nint)(_region + offset));
                return $"ok x {offset}";
            }
            case "v" when f.Length == 1:
            {
                HeapViolation v = _heap.Validate();
                if (v.IsClean) return "valid";
                InvariantBroken = true;
                return $"INVALID {ViolationNames.Name(v.Kind)} at offset {v.Offset} order {v.Order}";
            }
            default:
                throw new FormatException($"not an operation: '{line.Trim()}'");
        }
    }

    /// <summary>The closing report: the statistics and free blocks per order, then a final validation.</summary>
    public IEnumerable<string> Summary()
    {
        HeapStatistics s = _heap.GetStatistics();
        yield return $"# heap {s.TotalBytes} bytes, {_heap.Orders} orders, minimum block {_heap.MinBlockSize}, metadata {_heap.MetadataSize} bytes";
        yield return $"# requested {s.RequestedBytes} (peak {s.PeakRequestedBytes}), held {s.HeldBytes} (peak {s.PeakHeldBytes}), free {s.FreeBytes}";
        yield return $"# allocations {s.Allocations}, frees {s.Frees}, reallocations {s.Reallocations}, live {s.LiveBlocks}";
        yield return $"# largest free block {s.LargestFreeBlock}, internal fragmentation {s.InternalFragmentationPpm / 10000.0:0.00}%";
        var orders = Enumerable.Range(0, _heap.Orders).Where(k => _heap.FreeBlockCount(k) != 0)
            .Select(k => $"{_heap.BlockSize(k)}:{_heap.FreeBlockCount(k)}");
        yield return $"# free blocks (size:count) {string.Join(' ', orders)}";
        if (_heap is BuddyHeap layered)
        {
            var classes = Enumerable.Range(0, BuddyHeap.SlabClasses).Select(i => (i, Counts: SlabClass(layered, i)))
                .Where(c => c.Counts.Slabs != 0).Select(c => $"{BuddyHeap.SlabClassSize(c.i)}:{c.Counts.Slabs}/{c.Counts.Live}");
            yield return $"# object cache {s.CachedBytes} bytes without objects; slabs (class:slabs/objects) {string.Join(' ', classes)}";
        }
        string final = Execute("v")!;
        yield return $"# final validation: {final}";
    }

    private static (nuint Slabs, nuint Live) SlabClass(BuddyHeap heap, int index)
    {
        heap.GetSlabClass(index, out nuint slabs, out nuint live);
        return (slabs, live);
    }

    private nint Block(string id)
        => _blocks.TryGetValue(id, out nint p) ? p : throw new FormatException($"unknown block ID {id}");

    private nuint Offset(byte* p) => (nuint)(p - _region);

    private static nuint Number(string s)
    {
        bool hex = s.StartsWith("0x", StringComparison.OrdinalIgnoreCase);
        if (ulong.TryParse(hex ? s[2..] : s, hex ? NumberStyles.HexNumber : NumberStyles.None, CultureInfo.InvariantCulture, out ulong v))
            return (nuint)v;
        throw new FormatException($"not a number: '{s}'");
    }
}

using BuddyOS.Heap;
using BuddyOS.TestSupport.Checks;
using BuddyOS.TestSupport.Support;

namespace BuddyOS.TestSupport.Allocators;

/// <summary>A workload written once, run against any allocator; the JIT specialises Run per allocator struct.</summary>
public interface IWorkload<TResult>
{
    TResult Run<TAlloc>(ref TAlloc allocator) where TAlloc : struct, IBenchAllocator;

    /// <summary>
    /// True when the workload stores its own data in blocks (and verifies it itself); the checked
    /// allocator then skips its fill-and-verify of block contents, keeping the overlap and alignment checks.
    /// </summary>
    bool WritesBlockContents => false;
}

/// <summary>One allocator instance in a run. Dispatch to the workload happens once per trial, not per call.</summary>
public abstract class AllocatorSlot
{
    public abstract string Name { get; }
    public abstract TResult Run<TResult>(IWorkload<TResult> workload);
    /// <summary>Problems seen so far (checked mode: ledger findings, Validate, CheckEmpty).</summary>
    public abstract IReadOnlyList<string> Problems { get; }
    /// <summary>Runs Validate and CheckEmpty; call when every block is freed.</summary>
    public abstract void CheckWhole(string context);
}

internal sealed class Slot<T> : AllocatorSlot where T : struct, IBenchAllocator
{
    private T _allocator;
    private readonly BlockLedger? _ledger;
    private readonly List<string> _problems = new();

    public Slot(T allocator, BlockLedger? ledger)
    {
        _allocator = allocator;
        _ledger = ledger;
    }

    public override string Name => _allocator.Name;
    public override TResult Run<TResult>(IWorkload<TResult> workload)
    {
        if (_ledger != null) _ledger.TracksContents = !workload.WritesBlockContents;
        return workload.Run(ref _allocator);
    }

    public override IReadOnlyList<string> Problems
    {
        get
        {
            var all = new List<string>(_problems);
            if (_ledger != null) all.AddRange(_ledger.Problems);
            return all;
        }
    }

    public override void CheckWhole(string context)
    {
        if (_allocator.Validate() is string v) _problems.Add($"{context}: {v}");
        if (_allocator.CheckEmpty() is string e) _problems.Add($"{context}: {e}");
    }
}

/// <summary>
/// The allocators of a run over one heap size: BuddyOS.Heap first (the subject, with its object cache), the pure
/// buddy (the same heap without it), then the baselines.
/// Each heap allocator gets its own region of the same size; the platform allocator ignores the size.
/// </summary>
public sealed class AllocatorSet : IDisposable
{
    public const int Subject = 0;
    private readonly List<NativeRegion> _regions = new();
    private readonly List<Action> _releases = new();

    public nuint HeapSize { get; }
    public IReadOnlyList<AllocatorSlot> Slots { get; }
    public nuint BuddyMetadataBytes { get; }
    /// <summary>The workload run on <see cref="NullAllocator"/>: the harness's own cost. Not one of the Slots.</summary>
    public AllocatorSlot? HarnessFloor { get; }

    public AllocatorSet(nuint heapSize, bool isChecked, bool includeBump = true, bool includePlatform = true,
        bool includeMovingRealloc = false, bool includeHarnessFloor = false, bool includePureBuddy = true)
    {
        HeapSize = heapSize;
        var slots = new List<AllocatorSlot>();

        var buddy = BuddyAllocator<BuddyHeap, LayeredKind>.Create(Region(heapSize));
        BuddyMetadataBytes = buddy.MetadataBytes;
        _releases.Add(() => buddy.Release());
        slots.Add(Wrap(buddy, isChecked));

        if (includePureBuddy)
        {
            var pure = BuddyAllocator<PureBuddyHeap, PureKind>.Create(Region(heapSize));
            _releases.Add(() => pure.Release());
            slots.Add(Wrap(pure, isChecked));
        }

        var textbook = TextbookBuddyAllocator.Create(Region(heapSize));
        _releases.Add(() => textbook.Release());
        slots.Add(Wrap(textbook, isChecked));

        if (includeMovingRealloc)
        {
            var moving = BuddyAllocator<BuddyHeap, LayeredKind>.Create(Region(heapSize));
            _releases.Add(() => moving.Release());
            slots.Add(Wrap(new MovingRealloc<BuddyAllocator<BuddyHeap, LayeredKind>>(moving), isChecked));
        }
        if (includeBump)
        {
            var bump = BumpHeapAllocator.Create(Region(heapSize));
            _releases.Add(() => bump.Release());
            slots.Add(Wrap(bump, isChecked));
        }
        if (includePlatform) slots.Add(Wrap(new PlatformAllocator(), isChecked));
        if (includeHarnessFloor && !isChecked) HarnessFloor = Wrap(NullAllocator.Create(Region(256 * 1024)), false);
        Slots = slots;
    }

    private NativeRegion Region(nuint size)
    {
        var r = new NativeRegion(size);
        _regions.Add(r);
        return r;
    }

    private static AllocatorSlot Wrap<T>(T allocator, bool isChecked) where T : struct, IBenchAllocator
    {
        if (!isChecked) return new Slot<T>(allocator, null);
        var ledger = new BlockLedger(allocator.Name);
        return new Slot<CheckedAllocator<T>>(new CheckedAllocator<T>(allocator, ledger), ledger);
    }

    public void Dispose()
    {
        foreach (var release in _releases) release();
        foreach (var r in _regions) r.Dispose();
        _releases.Clear();
        _regions.Clear();
    }
}

using System.Runtime.CompilerServices;

namespace BuddyOS.TestSupport.Workloads;

/// <summary>The workload's own list of live blocks (pointer, requested size, alignment); swap-remove on free.</summary>
public unsafe sealed class LiveBlocks
{
    public byte*[] Ptr = new byte*[1024];
    public nuint[] Size = new nuint[1024];
    public nuint[] Align = new nuint[1024];
    public int Count;
    public ulong RequestedBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(byte* p, nuint size, nuint align)
    {
        if (Count == Ptr.Length) Grow();
        Ptr[Count] = p;
        Size[Count] = size;
        Align[Count] = align;
        Count++;
        RequestedBytes += size;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow()
    {
        var grown = new byte*[Count * 2];
        for (int i = 0; i < Count; i++) grown[i] = Ptr[i];
        Ptr = grown;
        Array.Resize(ref Size, Count * 2);
        Array.Resize(ref Align, Count * 2);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveAt(int i)
    {
        RequestedBytes -= Size[i];
        Count--;
        Ptr[i] = Ptr[Count];
        Size[i] = Size[Count];
        Align[i] = Align[Count];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Resized(int i, byte* p, nuint newSize)
    {
        RequestedBytes = RequestedBytes - Size[i] + newSize;
        Ptr[i] = p;
        Size[i] = newSize;
    }

    /// <summary>Frees every live block (outside any measurement) so the heap can be checked and reset.</summary>
    public void Drain<TAlloc>(ref TAlloc a) where TAlloc : struct, Allocators.IBenchAllocator
    {
        for (int i = Count - 1; i >= 0; i--) a.Free(Ptr[i], Size[i], Align[i]);
        Count = 0;
        RequestedBytes = 0;
    }
}

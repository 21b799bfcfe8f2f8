using System.Runtime.InteropServices;

namespace BuddyOS.TestSupport.Support;

/// <summary>
/// A page-aligned block of native memory for a heap under test. Pages are touched once up front so
/// page faults land outside every measurement.
/// </summary>
public sealed unsafe class NativeRegion : IDisposable
{
    public byte* Start { get; private set; }
    public nuint Size { get; }

    public NativeRegion(nuint size, nuint alignment = 4096)
    {
        Size = size;
        Start = (byte*)NativeMemory.AlignedAlloc(size == 0 ? 1 : size, alignment);
        NativeMemory.Fill(Start, size, 0xA5);
    }

    public void Dispose()
    {
        if (Start != null) NativeMemory.AlignedFree(Start);
        Start = null;
    }
}

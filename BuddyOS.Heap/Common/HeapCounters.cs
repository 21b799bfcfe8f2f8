using System.Runtime.CompilerServices;

namespace BuddyOS.Heap;

/// <summary>The statistics every buddy heap keeps, one definition: live bytes, their peaks and the call counts.</summary>
internal struct HeapCounters
{
    public nuint Requested;
    public nuint Held;
    public nuint PeakRequested;
    public nuint PeakHeld;
    public ulong Allocations;
    public ulong Frees;
    public ulong Reallocations;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AddLive(nuint held, nuint requested)
    {
        Held += held;
        Requested += requested;
        if (Held > PeakHeld) PeakHeld = Held;
        if (Requested > PeakRequested) PeakRequested = Requested;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void RemoveLive(nuint held, nuint requested)
    {
        Held -= held;
        Requested -= requested;
    }

    /// <summary>The counters as statistics; the caller fills in what only it knows (free, cached, largest block).</summary>
    public readonly HeapStatistics ToStatistics(nuint total) => new HeapStatistics
    {
        TotalBytes = total,
        RequestedBytes = Requested,
        HeldBytes = Held,
        PeakRequestedBytes = PeakRequested,
        PeakHeldBytes = PeakHeld,
        Allocations = Allocations,
        Frees = Frees,
        Reallocations = Reallocations,
        InternalFragmentationPpm = HeapStatistics.FragmentationPpm(Held, Requested),
    };

    /// <summary>The counters' own invariants: no peak below its value, no more frees than allocations.</summary>
    public readonly bool Consistent => PeakHeld >= Held && PeakRequested >= Requested && Frees <= Allocations;
}

/// <summary>Constants every heap shares.</summary>
internal static unsafe class HeapConstants
{
    /// <summary>The byte every free byte holds while <see cref="HeapChecks.Poison"/> is on.</summary>
    public const byte PoisonByte = 0xDB;

    /// <summary>The checks every TryCreate makes of its arguments once its layout says <paramref name="needed"/> bytes
    /// (0: an invalid configuration): the region non-null, 4096-aligned and not wrapping around, the metadata non-null,
    /// 16-aligned, large enough and not overlapping the region.</summary>
    internal static HeapStatus CheckCreate(byte* region, nuint size, byte* metadata, nuint metadataBytes, nuint needed)
    {
        if (region == null || ((nuint)region & 4095) != 0 || needed == 0) return HeapStatus.InvalidConfiguration;
        if ((nuint)region + size - 1 < (nuint)region) return HeapStatus.InvalidConfiguration;   // wraps around
        if (metadata == null || ((nuint)metadata & 15) != 0) return HeapStatus.InvalidConfiguration;
        if (metadataBytes < needed) return HeapStatus.MetadataTooSmall;
        if (metadata < region + size && region < metadata + needed) return HeapStatus.InvalidConfiguration;
        return HeapStatus.Ok;
    }

    internal static void ClearBytes(byte* p, nuint count)
    {
        while (count > 0)
        {
            uint chunk = count > 0x40000000 ? 0x40000000u : (uint)count;
            Unsafe.InitBlockUnaligned(p, 0, chunk);
            p += chunk;
            count -= chunk;
        }
    }

    internal static void CopyBytes(byte* destination, byte* source, nuint count)
    {
        while (count > 0)
        {
            uint chunk = count > 0x40000000 ? 0x40000000u : (uint)count;
            Unsafe.CopyBlockUnaligned(destination, source, chunk);
            destination += chunk;
            source += chunk;
            count -= chunk;
        }
    }
}

namespace BuddyOS.Heap;

/// <summary>
/// The object cache's size classes, a policy fixed at build time: the cache is generic over it, so a class table is a
/// type, not a flag. Rules a policy must keep (ObjectCache checks them when a heap is created): 1 to 64 classes, sizes
/// ascending multiples of 16 from 16 up to <see cref="Limit"/> (at most 512, so a 4 KiB slab holds 8 objects or
/// more), and a class that is not a multiple of 32 at most 16 bytes above the one before it (its slot's requested
/// size is kept in 4 bits: a slack below 16). <see cref="MaxAlignment"/> is at most 256 (a 32-multiple class keeps
/// its slack in 8 bits). Implemented as instance members of a struct so every call is inlined to a constant or a load.
/// </summary>
public interface ISizeClasses
{
    /// <summary>The number of classes.</summary>
    int Count { get; }

    /// <summary>The largest request the cache serves: the last class's size.</summary>
    int Limit { get; }

    /// <summary>The largest alignment the cache serves (a slot sits at a multiple of its class size within its slab).</summary>
    int MaxAlignment { get; }

    /// <summary>The object size of class <paramref name="index"/>, 0 .. Count - 1.</summary>
    int SizeOf(int index);
}

/// <summary>
/// The kernel's classes: 16 to 128 in steps of 16 (malloc's alignment rules small objects), then four per doubling
/// up to 512 (160, 192, 224, 256, 320, 384, 448, 512): from 64 B on a request is rounded up by at most 25 %, and a
/// 4 KiB slab wastes at most 6.25 % in its tail. Above 512 B a request is a run of the placement layer, kept to 256 B
/// granules, which wastes less than a class with two or three objects per slab would.
/// </summary>
public struct KernelSizeClasses : ISizeClasses
{
    /// <summary>16 classes.</summary>
    public readonly int Count => 16;

    /// <summary>512 bytes.</summary>
    public readonly int Limit => 512;

    /// <summary>256 bytes.</summary>
    public readonly int MaxAlignment => 256;

    /// <summary>16 * (index + 1) up to 128, then 128 * 2^g + 32 * 2^g * (step + 1) for group g and step 0..3.</summary>
    public readonly int SizeOf(int index)
        => index < 8 ? 16 * (index + 1) : (128 << ((index - 8) >> 2)) + (32 << ((index - 8) >> 2)) * (((index - 8) & 3) + 1);
}

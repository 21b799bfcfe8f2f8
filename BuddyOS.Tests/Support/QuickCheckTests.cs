using BuddyOS.TestSupport.Allocators;
using BuddyOS.TestSupport.Checks;
using BuddyOS.TestSupport.Support;
using BuddyOS.TestSupport.Workloads;
using Xunit;

namespace BuddyOS.Tests.Support;

/// <summary>The shared random-actions workload, run under the checking allocator, must find no misbehaviour.</summary>
public class QuickCheckTests
{
    [Theory]
    [InlineData(200UL, true)]
    [InlineData(3000UL, true)]
    [InlineData(10000UL, false)]
    public void Random_actions_on_the_buddy_heaps_pass_every_check(ulong max, bool realloc)
    {
        using var set = new AllocatorSet(8u << 20, isChecked: true, includeBump: false, includePlatform: false);
        foreach (AllocatorSlot slot in set.Slots)
        {
            var trial = slot.Run(new RandomActions { MaxSize = max, WithRealloc = realloc, FixedActions = 20_000 });
            Assert.True(trial.Successes > 0);
            slot.CheckWhole("test");
            Assert.Empty(slot.Problems);
        }
    }

    [Fact]
    public void Size_and_alignment_generators_stay_in_range()
    {
        var rng = new Rng(9);
        int eights = 0;
        for (int i = 0; i < 100_000; i++)
        {
            nuint size = Requests.Size(ref rng, 200);
            Assert.InRange(size, (nuint)4, (nuint)199);
            nuint align = Requests.Alignment(ref rng);
            Assert.True(System.Numerics.BitOperations.IsPow2((ulong)align) && align >= 8 && align <= 2048);
            if (align == 8) eights++;
        }
        Assert.InRange(eights, 74_000, 76_000);   // 75% of tzcnt/2 == 0
    }
}

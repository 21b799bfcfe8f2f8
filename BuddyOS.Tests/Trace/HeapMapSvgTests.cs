using System.Xml.Linq;
using BuddyOS.Heap;
using BuddyOS.Trace;

namespace BuddyOS.Tests.Trace;

public class HeapMapSvgTests
{
    [Fact]
    public unsafe void The_map_draws_every_block_once_in_the_tree_with_its_state_and_order()
    {
        using var r = new TraceReplayer(4096, 9);
        foreach (var line in new[] { "a one 16", "a two 100", "a three 600", "f two" })
            r.Execute(line);
        IBuddyHeap heap = HeapMapSvg.HeapOf(r);
        var blocks = HeapMapSvg.Blocks(heap);

        // The blocks tile the region, and the allocated ones are what the heap says it holds.
        Assert.Equal((ulong)heap.RegionSize, blocks.Aggregate(0UL, (sum, b) => sum + (ulong)b.Size));
        Assert.Equal((ulong)heap.GetStatistics().HeldBytes, blocks.Where(b => !b.IsFree).Aggregate(0UL, (sum, b) => sum + (ulong)b.Size));
        Assert.Equal(2, blocks.Count(b => !b.IsFree));

        var svg = XDocument.Parse(HeapMapSvg.Render(heap, "test"));
        XNamespace ns = "http://www.w3.org/2000/svg";
        var tips = svg.Descendants(ns + "rect").Select(e => (string?)e.Element(ns + "title")).Where(t => t != null).ToList();
        // The tree band titles each block once with its state, order and offset; the wrapped rows title it again.
        foreach (var b in blocks)
        {
            var offset = (ulong)(b.Start - heap.RegionStart);
            Assert.Single(tips, t => t == $"{(b.IsFree ? "free" : "allocated")} order {b.Order}, {(ulong)b.Size} bytes at offset 0x{offset:x}");
        }
        // Every split parent is one grey box: a node is split exactly when it holds more than one block.
        int splitNodes = 0;
        for (int order = 1; order < heap.Orders; order++)
            for (ulong start = 0; start < (ulong)heap.RegionSize; start += (ulong)heap.BlockSize(order))
                if (blocks.Count(b => (ulong)(b.Start - heap.RegionStart) >= start && (ulong)(b.Start - heap.RegionStart) < start + (ulong)heap.BlockSize(order)) > 1)
                    splitNodes++;
        Assert.Equal(splitNodes, tips.Count(t => t!.StartsWith("split order ")));
        Assert.True(splitNodes > 0);
    }
}

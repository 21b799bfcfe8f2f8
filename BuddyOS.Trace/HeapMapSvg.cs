using System.Globalization;
using System.Reflection;
using System.Text;
using BuddyOS.Heap;

namespace BuddyOS.Trace;

/// <summary>
/// The heap as an SVG picture (<c>buddytrace --map FILE.svg</c>): the buddy tree, one band per order from the whole
/// region down (grey: a block split in two; green: free; red: allocated), then the region wrapped into rows, each
/// block a box labelled with its order where it is wide enough. Built from the heap's own block lookup.
/// </summary>
public static unsafe class HeapMapSvg
{
    private const int Width = 1024, Margin = 10, BandHeight = 12, Rows = 32, RowHeight = 18;
    private const string FreeColor = "#7bc67b", AllocatedColor = "#e06c5f", SplitColor = "#b8b8b8";

    /// <summary>The heap a replay ended with.</summary>
    public static IBuddyHeap HeapOf(TraceReplayer replayer) => replayer.Heap;

    /// <summary>Every block, free and allocated, in address order.</summary>
    public static List<HeapBlock> Blocks(IBuddyHeap heap)
    {
        var blocks = new List<HeapBlock>();
        for (nuint offset = 0; offset < heap.RegionSize;)
        {
            heap.TryFindBlock(heap.RegionStart + offset, out HeapBlock block);
            blocks.Add(block);
            offset += block.Size;
        }
        return blocks;
    }

    public static string Render(IBuddyHeap heap, string title)
    {
        var blocks = Blocks(heap);
        int top = heap.Orders - 1;
        double regionBytes = heap.RegionSize;
        int treeTop = Margin + 40;
        int wrapTop = treeTop + heap.Orders * BandHeight + 40;
        int height = wrapTop + Rows * RowHeight + 50;
        var svg = new StringBuilder();
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        void Rect(double x, double y, double w, double h, string fill, string? tip) =>
            svg.Append($"<rect x=\"{F(x)}\" y=\"{F(y)}\" width=\"{F(Math.Max(w, 0.5))}\" height=\"{F(h)}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"{(w > 3 ? 0.5 : 0)}\">" +
                (tip != null ? $"<title>{tip}</title>" : "") + "</rect>\n");
        void Text(double x, double y, string text, int size = 11, string anchor = "start") =>
            svg.Append($"<text x=\"{F(x)}\" y=\"{F(y)}\" font-family=\"monospace\" font-size=\"{size}\" text-anchor=\"{anchor}\">{System.Security.SecurityElement.Escape(text)}</text>\n");

        svg.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width + 2 * Margin + 60}\" height=\"{height}\" viewBox=\"0 0 {Width + 2 * Margin + 60} {height}\">\n");
        svg.Append($"<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
        HeapStatistics s = heap.GetStatistics();
        Text(Margin, Margin + 12, title, 14);
        Text(Margin, Margin + 28, $"{s.TotalBytes} bytes, {heap.Orders} orders; held {s.HeldBytes}, free {s.FreeBytes}, {s.LiveBlocks} live blocks, largest free block {s.LargestFreeBlock}");

        // The tree: a block's band is its order; its ancestors are split, each drawn once (by its first descendant).
        Text(Margin, treeTop - 6, "buddy tree, by address (top band: the whole region; each band down halves the block size)");
        foreach (var b in blocks)
        {
            double offset = (double)(ulong)(b.Start - heap.RegionStart);
            for (int order = top; order > b.Order; order--)
            {
                ulong parentSize = (ulong)heap.BlockSize(order);
                if ((ulong)offset % parentSize == 0)
                    Rect(Margin + offset / regionBytes * Width, treeTop + (top - order) * BandHeight, parentSize / regionBytes * Width, BandHeight - 1, SplitColor,
                        $"split order {order}, {parentSize} bytes at offset 0x{(ulong)offset:x}");
            }
            Rect(Margin + offset / regionBytes * Width, treeTop + (top - b.Order) * BandHeight, (double)(ulong)b.Size / regionBytes * Width, BandHeight - 1,
                b.IsFree ? FreeColor : AllocatedColor, $"{(b.IsFree ? "free" : "allocated")} order {b.Order}, {(ulong)b.Size} bytes at offset 0x{(ulong)offset:x}");
        }
        for (int order = top; order >= 0; order--)
            Text(Margin + Width + 4, treeTop + (top - order) * BandHeight + BandHeight - 3, $"k={order}", 9);

        // The region wrapped into rows: small blocks get room to be seen.
        double rowBytes = regionBytes / Rows;
        Text(Margin, wrapTop - 6, $"the region in {Rows} rows of {rowBytes} bytes; each box a block, labelled with its order where it fits");
        foreach (var b in blocks)
        {
            double offset = (double)(ulong)(b.Start - heap.RegionStart);
            for (double left = (double)(ulong)b.Size; left > 0;)
            {
                int row = (int)(offset / rowBytes);
                double inRow = offset - row * rowBytes;
                double span = Math.Min(left, rowBytes - inRow);
                double x = Margin + inRow / rowBytes * Width, w = span / rowBytes * Width, y = wrapTop + row * RowHeight;
                Rect(x, y, w, RowHeight - 2, b.IsFree ? FreeColor : AllocatedColor, $"{(b.IsFree ? "free" : "allocated")} order {b.Order}, {(ulong)b.Size} bytes");
                if (w >= 18 && offset == (double)(ulong)(b.Start - heap.RegionStart))   // the label on the block's first row only
                    Text(x + w / 2, y + RowHeight - 6, b.Order.ToString(CultureInfo.InvariantCulture), 9, "middle");
                offset += span;
                left -= span;
            }
        }

        int legendY = wrapTop + Rows * RowHeight + 18;
        (string color, string label)[] legend = { (FreeColor, "free"), (AllocatedColor, "allocated"), (SplitColor, "split (a parent of smaller blocks)") };
        double lx = Margin;
        foreach (var (color, label) in legend)
        {
            Rect(lx, legendY - 10, 12, 12, color, null);
            Text(lx + 16, legendY, label);
            lx += 30 + label.Length * 7;
        }
        svg.Append("</svg>\n");
        return svg.ToString();
    }
}

using System.Globalization;
using System.Text;

namespace BuddyOS.Bench.Report;

/// <summary>
/// docs/bench/chart.svg, drawn by hand from the numbers: left, random-actions throughput of BuddyOS.Heap as
/// a ratio to each baseline per max size (with realloc); right, alloc and free latency percentiles per
/// allocator on a log scale.
/// </summary>
public static class SvgChart
{
    private static readonly string[] Colors = { "#1f77b4", "#d62728", "#7f7f7f", "#2ca02c", "#9467bd" };
    private static string N(double x) => x.ToString("0.#", CultureInfo.InvariantCulture);

    public static string Render(Results r)
    {
        const int W = 1000, H = 460;
        var sb = new StringBuilder();
        sb.Append($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        sb.Append($"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n");
        Ratios(sb, r, 60, 50, 400, 300);
        LatencyPanel(sb, r, 580, 50, 380, 300);
        sb.Append($"<text x=\"10\" y=\"{H - 10}\" font-size=\"10\" fill=\"#555\">{Escape($"{r.Machine}, {r.Cores} cores, {r.Runtime}, {r.Date:yyyy-MM-dd}; one run, trials interleaved")}</text>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    private static void Ratios(StringBuilder sb, Results r, double x0, double y0, double w, double h)
    {
        var rows = r.RandomActions.Where(x => x.WithRealloc).ToList();
        sb.Append($"<text x=\"{N(x0)}\" y=\"{N(y0 - 25)}\" font-size=\"14\" font-weight=\"bold\">Random actions: BuddyOS.Heap ops/s ÷ baseline</text>\n");
        if (rows.Count == 0) return;
        string[] names = rows[0].Allocators;
        var ratios = rows.Select(row => Enumerable.Range(1, names.Length - 1).Select(b => row.Ratio(b).Median).ToArray()).ToList();
        double top = Math.Max(2.5, Math.Ceiling(ratios.SelectMany(x => x).Where(x => !double.IsNaN(x)).DefaultIfEmpty(1).Max() * 2) / 2);
        double Y(double v) => y0 + h - v / top * h;
        Axes(sb, x0, y0, w, h);
        for (double v = 0; v <= top + 1e-9; v += top > 6 ? 1 : 0.5)
        {
            sb.Append($"<line x1=\"{N(x0)}\" x2=\"{N(x0 + w)}\" y1=\"{N(Y(v))}\" y2=\"{N(Y(v))}\" stroke=\"#eee\"/>");
            sb.Append($"<text x=\"{N(x0 - 5)}\" y=\"{N(Y(v) + 4)}\" text-anchor=\"end\">{N(v)}x</text>\n");
        }
        sb.Append($"<line x1=\"{N(x0)}\" x2=\"{N(x0 + w)}\" y1=\"{N(Y(1))}\" y2=\"{N(Y(1))}\" stroke=\"black\" stroke-dasharray=\"4 3\"/>\n");
        sb.Append($"<line x1=\"{N(x0)}\" x2=\"{N(x0 + w)}\" y1=\"{N(Y(1.6))}\" y2=\"{N(Y(1.6))}\" stroke=\"#9467bd\" stroke-dasharray=\"2 2\"/>");
        sb.Append($"<text x=\"{N(x0 + 4)}\" y=\"{N(Y(1.6) - 3)}\" fill=\"#9467bd\" font-size=\"10\">targets: 1.0x the pure buddy (dashed black), 1.6x glibc (this line), every row</text>\n");
        double group = w / rows.Count, bar = group * 0.8 / (names.Length - 1);
        for (int i = 0; i < rows.Count; i++)
        {
            for (int b = 0; b < names.Length - 1; b++)
            {
                double v = double.IsNaN(ratios[i][b]) ? 0 : Math.Min(ratios[i][b], top);
                double x = x0 + i * group + group * 0.1 + b * bar;
                sb.Append($"<rect x=\"{N(x)}\" y=\"{N(Y(v))}\" width=\"{N(bar - 2)}\" height=\"{N(y0 + h - Y(v))}\" fill=\"{Colors[b + 1]}\"><title>{Escape(names[b + 1])}: {ratios[i][b]:F2}x</title></rect>");
                sb.Append($"<text x=\"{N(x + bar / 2 - 1)}\" y=\"{N(Y(v) - 3)}\" text-anchor=\"middle\" font-size=\"9\">{ratios[i][b]:F2}</text>\n");
            }
            double cx = x0 + i * group + group / 2;
            sb.Append($"<text x=\"{N(cx)}\" y=\"{N(y0 + h + 15)}\" text-anchor=\"middle\">{rows[i].MaxSize} B</text>");
            sb.Append($"<text x=\"{N(cx)}\" y=\"{N(y0 + h + 28)}\" text-anchor=\"middle\" font-size=\"10\" fill=\"#555\">{(ulong)rows[i].HeapSize >> 20} MiB heap</text>\n");
        }
        sb.Append($"<text x=\"{N(x0 + w / 2)}\" y=\"{N(y0 + h + 46)}\" text-anchor=\"middle\">max request size (with realloc); above 1: BuddyOS.Heap faster</text>\n");
        for (int b = 1; b < names.Length; b++)
        {
            double lx = x0 + (b - 1) * 140, ly = y0 + h + 66;
            sb.Append($"<rect x=\"{N(lx)}\" y=\"{N(ly - 9)}\" width=\"10\" height=\"10\" fill=\"{Colors[b]}\"/><text x=\"{N(lx + 14)}\" y=\"{N(ly)}\">÷ {Escape(names[b])}</text>\n");
        }
    }

    private static void LatencyPanel(StringBuilder sb, Results r, double x0, double y0, double w, double h)
    {
        sb.Append($"<text x=\"{N(x0)}\" y=\"{N(y0 - 25)}\" font-size=\"14\" font-weight=\"bold\">Latency percentiles (ns, log scale)</text>\n");
        if (r.Latency is not { } lat) return;
        double tpn = r.TicksPerNs;
        var all = lat.Alloc.SelectMany(x => x).Concat(lat.Free.SelectMany(x => x)).Select(t => Math.Max(1, t / tpn)).ToList();
        double lo = Math.Pow(10, Math.Floor(Math.Log10(all.Min()))), hi = Math.Pow(10, Math.Ceiling(Math.Log10(all.Max())));
        double Y(double ns) => y0 + h - (Math.Log10(Math.Max(ns, lo)) - Math.Log10(lo)) / (Math.Log10(hi) - Math.Log10(lo)) * h;
        Axes(sb, x0, y0, w, h);
        for (double d = lo; d <= hi * 1.0001; d *= 10)
        {
            sb.Append($"<line x1=\"{N(x0)}\" x2=\"{N(x0 + w)}\" y1=\"{N(Y(d))}\" y2=\"{N(Y(d))}\" stroke=\"#eee\"/>");
            sb.Append($"<text x=\"{N(x0 - 5)}\" y=\"{N(Y(d) + 4)}\" text-anchor=\"end\">{N(d)}</text>\n");
        }
        double[] pct = LatencyResult.Percentiles;
        double X(int i) => x0 + 20 + i * (w - 40) / (pct.Length - 1);
        for (int i = 0; i < pct.Length; i++)
            sb.Append($"<text x=\"{N(X(i))}\" y=\"{N(y0 + h + 16)}\" text-anchor=\"middle\">p{N(pct[i])}</text>\n");
        for (int a = 0; a < lat.Allocators.Length; a++)
        {
            foreach (var (series, dash) in new[] { (lat.Alloc[a], ""), (lat.Free[a], " stroke-dasharray=\"5 3\"") })
            {
                string pts = string.Join(" ", series.Select((t, i) => $"{N(X(i))},{N(Y(t / tpn))}"));
                sb.Append($"<polyline points=\"{pts}\" fill=\"none\" stroke=\"{Colors[a]}\" stroke-width=\"2\"{dash}/>\n");
            }
            double lx = x0 + (a % 2) * 190, ly = y0 + h + 46 + (a / 2) * 16;
            sb.Append($"<line x1=\"{N(lx)}\" x2=\"{N(lx + 18)}\" y1=\"{N(ly - 4)}\" y2=\"{N(ly - 4)}\" stroke=\"{Colors[a]}\" stroke-width=\"2\"/><text x=\"{N(lx + 22)}\" y=\"{N(ly)}\">{Escape(lat.Allocators[a])}</text>\n");
        }
        sb.Append($"<text x=\"{N(x0 + w)}\" y=\"{N(y0 - 8)}\" text-anchor=\"end\" font-size=\"10\">solid: alloc, dashed: free; includes ~{N(lat.Overhead[2] / tpn)} ns clock overhead</text>\n");
    }

    private static void Axes(StringBuilder sb, double x0, double y0, double w, double h)
        => sb.Append($"<line x1=\"{N(x0)}\" y1=\"{N(y0)}\" x2=\"{N(x0)}\" y2=\"{N(y0 + h)}\" stroke=\"black\"/><line x1=\"{N(x0)}\" y1=\"{N(y0 + h)}\" x2=\"{N(x0 + w)}\" y2=\"{N(y0 + h)}\" stroke=\"black\"/>\n");

    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}

// The screen the kernel's text goes to (COM1 mirrors all of it, in Kernel/Console.cs): VGA text mode when the
// loader left the machine in it (BIOS), the framebuffer console when it set a graphics mode (UEFI). Both are a
// Terminal/TextGrid underneath, so they draw the same report and shell the same way.
namespace BuddyOS.Kernel.Drivers
{
    internal static unsafe class Screen
    {
        private enum Kind : byte { VgaText, Framebuffer, None }

        private static Kind s_kind;
        private static FramebufferInfo s_fb;
        // Why there is no framebuffer console though the loader gave a framebuffer. No reference-type statics here:
        // this runs before the static bases exist.
        private static FramebufferConsole.Problem s_why;

        // Before anything is written: the multiboot2 framebuffer tag decides.
        public static void Initialize(byte* multibootInfo)
        {
            if (Multiboot.Framebuffer(multibootInfo, out s_fb) && s_fb.Type != FramebufferInfo.EgaText)
            {
                s_why = FramebufferConsole.Initialize(s_fb);
                // A graphics mode without our console: no text mode either (writing 0xB8000 would draw nothing).
                s_kind = s_why == FramebufferConsole.Problem.None ? Kind.Framebuffer : Kind.None;
                return;
            }
            s_kind = Kind.VgaText;
            VgaText.Initialize();
        }

        public static void Write(char c)
        {
            if (s_kind == Kind.Framebuffer)
                FramebufferConsole.Write(c);
            else if (s_kind == Kind.VgaText)
                VgaText.Write(c);
        }

        public static void SetColor(byte attribute)
        {
            if (s_kind == Kind.Framebuffer)
                FramebufferConsole.SetColor(attribute);
            else
                VgaText.SetColor(attribute);
        }

        public static void UpdateCursor()
        {
            if (s_kind == Kind.Framebuffer)
                FramebufferConsole.UpdateCursor();
            else if (s_kind == Kind.VgaText)
                VgaText.UpdateCursor();
        }

        // One line for the boot report: which screen, its size.
        public static void PrintReport()
        {
            Console.Write("screen: ");
            if (s_kind == Kind.VgaText)
            {
                Console.WriteLine("VGA text mode, 80x25");
                return;
            }
            Console.Write("framebuffer ");
            WriteSize(s_fb.Width, s_fb.Height);
            Console.Write('x');
            Console.WriteDecimal((ulong)s_fb.BitsPerPixel);
            Console.Write(" at ");
            Console.WriteHex(s_fb.Address, 8);
            if (s_kind == Kind.None)
            {
                Console.Write(": no console on it (");
                Console.Write(FramebufferConsole.Describe(s_why));
                Console.WriteLine("), COM1 only");
                return;
            }
            Console.Write(", ");
            WriteSize((uint)FramebufferConsole.Columns, (uint)FramebufferConsole.Rows);
            Console.Write(" text in an ");
            WriteSize((uint)FramebufferConsole.Font.Width, (uint)FramebufferConsole.Font.Height);
            Console.WriteLine(" PSF font (console-setup's Lat15-VGA16)");
        }

        private static void WriteSize(uint width, uint height)
        {
            Console.WriteDecimal((ulong)width);
            Console.Write('x');
            Console.WriteDecimal((ulong)height);
        }
    }
}

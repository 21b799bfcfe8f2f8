// Finds the FDE (frame description) of a code address in .eh_frame, through the sorted table
// `ld --eh-frame-hdr` builds in .eh_frame_hdr: a binary search, no allocation. Then parses the FDE
// and its CIE into a FrameDescription: the code range, the CFI programs and the LSDA pointer.
// Formats: LSB "Exception Frames" (.eh_frame, .eh_frame_hdr); ilc's CIE is "zLR" (see README).
using System.Runtime;
using System.Runtime.CompilerServices;

namespace BuddyOS.Kernel.Exceptions
{
    internal unsafe struct FrameDescription
    {
        public ulong Start, End;                     // code range [Start, End)
        public byte* CieProgram, CieProgramEnd;      // initial CFI instructions
        public byte* Program, ProgramEnd;            // this FDE's CFI instructions
        public ulong CodeAlign;
        public long DataAlign;
        public ulong ReturnAddressRegister;
        public byte* Lsda;                           // ilc's per-method EH/GC record; null if none
    }

    internal static unsafe class EhFrameTable
    {
        [RuntimeImport("BuddyOS_EhFrameHdrStart")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* HdrStart();

        [RuntimeImport("BuddyOS_EhFrameHdrEnd")]
        [MethodImpl(MethodImplOptions.InternalCall)]
        private static extern byte* HdrEnd();

        // What ld writes: version 1, eh_frame_ptr pcrel sdata4, count udata4, table datarel sdata4 pairs.
        private const byte TableEncoding = 0x3B;

        private static byte* s_hdr;
        private static int* s_table;     // pairs {initial location, FDE address}, relative to s_hdr
        private static uint s_count;

        public static uint Count => s_count;

        // The last CIE parsed: its address, its fields as a FrameDescription template, its encodings.
        private static byte* s_cie;
        private static FrameDescription s_cieFields;
        private static byte s_fdeEncoding, s_lsdaEncoding;

        // Checks the header once at boot; a missing or unexpected table is a panic, not a silent
        // "no handler" at the first throw.
        public static void Initialize()
        {
            byte* hdr = HdrStart();
            if (HdrEnd() - hdr < 12)
                Panic.Fail("exceptions: .eh_frame_hdr is missing (link with --eh-frame-hdr); bytes", (ulong)(HdrEnd() - hdr));
            if (hdr[0] != 1 || hdr[3] != TableEncoding)
                Panic.Fail("exceptions: unexpected .eh_frame_hdr version/table encoding", (ulong)hdr[0] << 8 | hdr[3]);
            byte* p = hdr + 4;
            Dwarf.ReadEncoded(ref p, hdr[1], (ulong)hdr);                 // eh_frame_ptr: not needed
            ulong count = Dwarf.ReadEncoded(ref p, hdr[2], (ulong)hdr);
            if (p + count * 8 > HdrEnd())
                Panic.Fail("exceptions: .eh_frame_hdr table overruns its section; entries", count);
            s_table = (int*)p;
            s_count = (uint)count;
            s_hdr = hdr;
        }

        // The FDE covering `address`, parsed; false when the address is not in code with unwind info.
        public static bool Find(ulong address, out FrameDescription fde)
        {
            fde = default;
            if (s_hdr == null)
                Initialize();
            long lo = 0, hi = (long)s_count - 1, found = -1;
            while (lo <= hi)
            {
                long mid = (lo + hi) / 2;
                ulong start = (ulong)((long)s_hdr + s_table[2 * mid]);
                if (start <= address)
                {
                    found = mid;
                    lo = mid + 1;
                }
                else
                    hi = mid - 1;
            }
            if (found < 0)
                return false;
            Parse((byte*)((long)s_hdr + s_table[2 * found + 1]), ref fde);
            return address >= fde.Start && address < fde.End;
        }

        private static void Parse(byte* entry, ref FrameDescription fde)
        {
            uint length = *(uint*)entry;
            if (length == 0xFFFFFFFF)
                Panic.Fail("exceptions: 64-bit .eh_frame entries are not supported; FDE at", (ulong)entry);
            byte* end = entry + 4 + length;
            byte* cie = entry + 4 - *(int*)(entry + 4);
            // ilc writes one CIE for all of its FDEs: parse it once, not at every frame of every walk.
            if (cie != s_cie)
            {
                s_cieFields = default;
                s_fdeEncoding = 0;
                s_lsdaEncoding = Dwarf.PeOmit;
                ReadCie(cie, ref s_cieFields, ref s_fdeEncoding, ref s_lsdaEncoding);
                s_cie = cie;
            }
            fde = s_cieFields;
            byte fdeEncoding = s_fdeEncoding, lsdaEncoding = s_lsdaEncoding;

            byte* p = entry + 8;
            fde.Start = Dwarf.ReadEncoded(ref p, fdeEncoding, 0);
            fde.End = fde.Start + Dwarf.ReadEncoded(ref p, (byte)(fdeEncoding & 0x0F), 0);
            ulong augmentation = Dwarf.ReadUleb(ref p);
            byte* afterAugmentation = p + augmentation;
            if (lsdaEncoding != Dwarf.PeOmit && augmentation > 0)
                fde.Lsda = (byte*)Dwarf.ReadEncoded(ref p, lsdaEncoding, 0);
            fde.Program = afterAugmentation;
            fde.ProgramEnd = end;
        }

        private static void ReadCie(byte* cie, ref FrameDescription fde, ref byte fdeEncoding, ref byte lsdaEncoding)
        {
            uint length = *(uint*)cie;
            byte* end = cie + 4 + length;
            if (*(uint*)(cie + 4) != 0)
                Panic.Fail("exceptions: FDE points at something that is not a CIE", (ulong)cie);
            byte version = cie[8];
            byte* augmentation = cie + 9;
            byte* p = augmentation;
            while (*p != 0)
                p++;
            p++;
            fde.CodeAlign = Dwarf.ReadUleb(ref p);
            fde.DataAlign = Dwarf.ReadSleb(ref p);
            fde.ReturnAddressRegister = version == 1 ? *p++ : Dwarf.ReadUleb(ref p);
            if (*augmentation == (byte)'z')
            {
                ulong size = Dwarf.ReadUleb(ref p);
                byte* data = p;
                p += size;
                for (byte* a = augmentation + 1; *a != 0; a++)
                {
                    if (*a == (byte)'L')
                        lsdaEncoding = *data++;
                    else if (*a == (byte)'R')
                        fdeEncoding = *data++;
                    else if (*a == (byte)'P')
                    {
                        byte personalityEncoding = *data++;
                        Dwarf.ReadEncoded(ref data, personalityEncoding, 0);
                    }
                    else if (*a != (byte)'S')
                        Panic.Fail("exceptions: unknown CIE augmentation character", *a);
                }
            }
            else if (*augmentation != 0)
                Panic.Fail("exceptions: CIE augmentation without 'z'", *augmentation);
            fde.CieProgram = p;
            fde.CieProgramEnd = end;
        }
    }
}

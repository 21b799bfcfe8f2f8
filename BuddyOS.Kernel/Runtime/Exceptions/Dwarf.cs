// The few DWARF encodings .eh_frame and .eh_frame_hdr use (DWARF 4 section 7.6, LSB "DW_EH_PE").
namespace BuddyOS.Kernel.Exceptions
{
    internal static unsafe class Dwarf
    {
        public const byte PeOmit = 0xFF;

        public static ulong ReadUleb(ref byte* p)
        {
            ulong result = 0;
            int shift = 0;
            byte b;
            do
            {
                b = *p++;
                result |= (ulong)(b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            return result;
        }

        public static long ReadSleb(ref byte* p)
        {
            long result = 0;
            int shift = 0;
            byte b;
            do
            {
                b = *p++;
                result |= (long)(b & 0x7F) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            if (shift < 64 && (b & 0x40) != 0)
                result |= -1L << shift;
            return result;
        }

        // A DW_EH_PE-encoded pointer. dataBase serves DW_EH_PE_datarel (.eh_frame_hdr's own address).
        public static ulong ReadEncoded(ref byte* p, byte encoding, ulong dataBase)
        {
            byte* at = p;
            ulong value;
            switch (encoding & 0x0F)
            {
                case 0x00: value = *(ulong*)p; p += 8; break;              // absptr
                case 0x01: value = ReadUleb(ref p); break;
                case 0x02: value = *(ushort*)p; p += 2; break;
                case 0x03: value = *(uint*)p; p += 4; break;
                case 0x04: value = *(ulong*)p; p += 8; break;
                case 0x09: value = (ulong)ReadSleb(ref p); break;
                case 0x0A: value = (ulong)(long)*(short*)p; p += 2; break;
                case 0x0B: value = (ulong)(long)*(int*)p; p += 4; break;
                case 0x0C: value = *(ulong*)p; p += 8; break;
                default:
                    Panic.Fail("exceptions: unsupported DW_EH_PE pointer format", encoding);
                    return 0;
            }
            switch (encoding & 0x70)
            {
                case 0x00: break;
                case 0x10: value += (ulong)at; break;                      // pcrel
                case 0x30: value += dataBase; break;                       // datarel
                default:
                    Panic.Fail("exceptions: unsupported DW_EH_PE application", encoding);
                    break;
            }
            if ((encoding & 0x80) != 0)
                value = *(ulong*)value;                                    // indirect
            return value;
        }
    }
}

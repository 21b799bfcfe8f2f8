// Read-only view of the MethodTable ilc 10 emits (x64, relative pointers; CoreLib reads the same as Internal.Runtime.MethodTable). Layout:
//   uint flags | uint baseSize | MethodTable* related (base type / element type)
//   ushort numVtableSlots | ushort numInterfaces | uint hashCode
//   vtable[numVtableSlots] | MethodTable* interfaces[numInterfaces]
//   int32 relative: typeManager, writableData, [dispatchMap], [finalizer], [sealedVirtuals], ...
namespace BuddyOS.Kernel.Runtime
{
    internal unsafe struct MethodTable
    {
        private const uint HasComponentSizeFlag = 0x80000000;
        private const uint KindMask = 0x00030000;
        private const uint ParameterizedKind = 0x00020000;
        private const uint HasDispatchMapFlag = 0x00040000;
        private const uint IsDynamicTypeFlag = 0x00080000;
        private const uint HasFinalizerFlag = 0x00100000;
        private const uint HasSealedVTableEntriesFlag = 0x00400000;
        private const uint HasPointersFlag = 0x01000000;   // a GC descriptor sits in front of the MethodTable
        private const int ElementTypeShift = 26;

        private const uint ElementTypeNullable = 0x12;
        private const uint ElementTypeClass = 0x14;
        private const uint ElementTypeInterface = 0x15;
        private const uint ElementTypeArray = 0x17;
        private const uint ElementTypeSzArray = 0x18;

        private uint _flags;
        private uint _baseSize;
        private MethodTable* _relatedType;
        private ushort _numVtableSlots;
        private ushort _numInterfaces;
        private uint _hashCode;

        public uint BaseSize => _baseSize;
        public ushort NumVtableSlots => _numVtableSlots;
        public ushort NumInterfaces => _numInterfaces;
        public uint HashCode => _hashCode;

        public bool HasComponentSize => (_flags & HasComponentSizeFlag) != 0;
        public ushort ComponentSize => HasComponentSize ? (ushort)_flags : (ushort)0;
        private uint ElementType => (_flags >> ElementTypeShift) & 0x1F;
        public bool IsInterface => ElementType == ElementTypeInterface;
        public bool IsArray => ElementType == ElementTypeArray || ElementType == ElementTypeSzArray;
        public bool IsValueType => ElementType < ElementTypeClass;
        public bool IsNullable => ElementType == ElementTypeNullable;
        public bool IsParameterized => (_flags & KindMask) == ParameterizedKind;
        public bool IsFinalizable => (_flags & HasFinalizerFlag) != 0;
        public bool HasPointers => (_flags & HasPointersFlag) != 0;
        public bool HasDispatchMap => (_flags & HasDispatchMapFlag) != 0;
        private bool HasSealedVirtuals => (_flags & HasSealedVTableEntriesFlag) != 0;
        public bool IsDynamicType => (_flags & IsDynamicTypeFlag) != 0;

        // Bytes of the value inside a boxed value type (BaseSize counts header, MethodTable*, padding).
        public uint ValueTypeSize => _baseSize - (uint)(2 * sizeof(nint)) - ((_flags & 0xE0) >> 5);

        // The MethodTable of a type: NativeAOT's RuntimeTypeHandle.Value is the MethodTable pointer.
        public static MethodTable* Of(System.Type type) => (MethodTable*)type.TypeHandle.Value;

        public static MethodTable* Of(object obj) => *(MethodTable**)Allocation.AddressOf(obj);

        // Base class: System.Array for arrays; null for Object and for interfaces.
        public MethodTable* BaseType => IsParameterized ? (IsArray ? Of(typeof(System.Array)) : null) : _relatedType;

        // Element type of an array.
        public MethodTable* ElementTypeHandle => IsParameterized ? _relatedType : null;

        private MethodTable* Self
        {
            get { fixed (MethodTable* p = &this) return p; }
        }

        public nint* Vtable => (nint*)((byte*)Self + sizeof(MethodTable));

        public MethodTable** InterfaceMap => (MethodTable**)(Vtable + _numVtableSlots);

        // First of the relative-pointer fields after the interface map.
        private int* RelativeFields => (int*)(InterfaceMap + _numInterfaces);

        private static byte* Follow(int* relative) => (byte*)relative + *relative;

        // The finalizer's code (Finalize, compiled), for a type with one: the field after typeManager, writableData
        // and the dispatch map, a relative pointer in the image, a full pointer in a type built at run time.
        public nint FinalizerCode
        {
            get
            {
                if (!IsFinalizable)
                    return 0;
                int index = 2 + (HasDispatchMap ? 1 : 0);
                if (IsDynamicType)
                    return ((nint*)InterfaceMap + _numInterfaces)[index];
                return (nint)Follow(RelativeFields + index);
            }
        }

        // The class chain test an exception clause makes (catch types are classes: no variance, no interfaces).
        public bool IsSameOrSubclassOf(MethodTable* target)
        {
            for (MethodTable* type = Self; type != null; type = type->BaseType)
                if (type == target)
                    return true;
            return false;
        }

        public bool ImplementsInterface(MethodTable* interfaceType)
        {
            MethodTable** map = InterfaceMap;
            for (int i = 0; i < _numInterfaces; i++)
                if (map[i] == interfaceType)
                    return true;
            return false;
        }

        // For ValueTypeSize: fixed layout sanity (24 bytes before the vtable).
        public static int HeaderSize => sizeof(MethodTable);
    }
}

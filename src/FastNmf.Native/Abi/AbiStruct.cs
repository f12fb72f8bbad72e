using FastNmf.Native.Errors;

namespace FastNmf.Native.Abi;

/// <summary>
/// Reads and writes the ABI's versioned structs. Each starts with <c>uint32_t struct_size</c>; ABI 1 knows exactly one
/// size per struct, so anything else — a smaller size from a caller that did not set it, or a larger one from a newer
/// header — is refused rather than half-read. When a later ABI appends fields, a known older size will be accepted and
/// the missing fields take their defaults.
/// </summary>
internal static unsafe class AbiStruct
{
    /// <summary>A copy of the caller's struct after checking the pointer and its <c>struct_size</c>.</summary>
    public static T Read<T>(T* source, string name) where T : unmanaged
    {
        CheckSize(source, name);
        return *source;
    }

    /// <summary>Writes <paramref name="value"/> to a caller's struct whose <c>struct_size</c> the caller has set.</summary>
    public static void Write<T>(T* destination, in T value, string name) where T : unmanaged
    {
        CheckSize(destination, name);
        *destination = value;
    }

    /// <summary>Fills a struct the caller asks to initialise: the size the caller passes must be ours.</summary>
    public static void Init<T>(T* destination, uint structSize, in T defaults, string name) where T : unmanaged
    {
        CApiException.ThrowIfNull(destination, name);
        if (structSize != (uint)sizeof(T))
        {
            throw new CApiException(Status.BadStructSize, $"{name}: struct_size {structSize} is not sizeof({typeof(T).Name}) = {sizeof(T)} of ABI {LibraryInfo.AbiVersion}; header and library differ.");
        }

        *destination = defaults;
    }

    private static void CheckSize<T>(T* p, string name) where T : unmanaged
    {
        CApiException.ThrowIfNull(p, name);
        uint size = *(uint*)p;
        if (size != (uint)sizeof(T))
        {
            throw new CApiException(Status.BadStructSize, $"{name}->struct_size is {size}, expected {sizeof(T)} (ABI {LibraryInfo.AbiVersion}); set it with sizeof or the *_init function.");
        }
    }
}

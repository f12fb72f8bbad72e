using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

namespace FastNmf.Native.Errors;

/// <summary>
/// The thread-local text behind <c>fastnmf_last_error()</c>: NUL-terminated UTF-8 in a pinned array, so the pointer
/// handed to C stays valid until the next call on the same thread replaces it.
/// </summary>
internal static unsafe class LastError
{
    // Long enough for any message we write; longer ones (a huge exception message) are cut at a UTF-8 boundary.
    private const int MaxBytes = 4096;

    private static readonly byte[] s_empty = GC.AllocateArray<byte>(1, pinned: true);

    [ThreadStatic]
    private static byte[]? t_text;

    /// <summary>The current thread's message, "" when the last call succeeded. Never null.</summary>
    public static byte* Pointer
    {
        get
        {
            byte[] text = t_text ?? s_empty;
            return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(text));
        }
    }

    /// <summary>Marks the current call as successful so far.</summary>
    public static void Clear()
    {
        if (t_text is { } text)
        {
            text[0] = 0;
        }
    }

    /// <summary>Stores <paramref name="message"/> for the current thread.</summary>
    public static void Set(string message)
    {
        t_text ??= GC.AllocateArray<byte>(MaxBytes, pinned: true);
        Span<byte> destination = t_text.AsSpan(0, MaxBytes - 1);
        Encoder encoder = Encoding.UTF8.GetEncoder();
        encoder.Convert(message, destination, flush: true, out _, out int written, out _);
        t_text[written] = 0;
    }
}

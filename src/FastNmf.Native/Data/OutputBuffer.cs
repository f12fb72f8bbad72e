using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Data;

/// <summary>Copies results into caller-allocated buffers: capacity checked first, required size always reported.</summary>
internal static unsafe class OutputBuffer
{
    /// <summary>
    /// Stores <paramref name="source"/>'s length in <c>*required</c> (when not NULL), then copies it to
    /// <paramref name="destination"/> if <paramref name="capacity"/> suffices.
    /// </summary>
    /// <exception cref="CApiException"><see cref="Status.BufferTooSmall"/> or <see cref="Status.NullPointer"/>.</exception>
    public static void Copy<T>(ReadOnlySpan<T> source, T* destination, nuint capacity, nuint* required, string name) where T : unmanaged
    {
        Require(source.Length, capacity, required, name);
        if (source.Length > 0)
        {
            CApiException.ThrowIfNull(destination, name);
            source.CopyTo(new Span<T>(destination, source.Length));
        }
    }

    /// <summary>Reports <paramref name="length"/> and checks the capacity without copying.</summary>
    public static void Require(long length, nuint capacity, nuint* required, string name)
    {
        if (required != null)
        {
            *required = (nuint)length;
        }

        if ((ulong)capacity < (ulong)length)
        {
            throw new CApiException(Status.BufferTooSmall, $"{name} needs {length} elements, capacity is {capacity}.");
        }
    }
}

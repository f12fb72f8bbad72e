using System.Runtime.InteropServices;

namespace FastNmf.Memory;

/// <summary>
/// A 64-byte aligned, zero-initialised block of unmanaged memory. Large matrices (X, W, H, workspaces) live here
/// so that their address never moves (kernels and worker threads hold raw pointers) and so that sizes beyond
/// ArrayPool's 2³⁰ limit are possible.
/// </summary>
/// <remarks>The finalizer frees a buffer whose owner forgot to dispose it; <see cref="Outstanding"/> lets tests prove
/// that every rented buffer came back.</remarks>
internal sealed unsafe class AlignedBuffer<T> : IDisposable where T : unmanaged
{
    private const nuint Alignment = 64;
    private nint _pointer;
    private readonly long _bytes;

    public AlignedBuffer(long length, string what)
        : this(length, what, zeroed: true)
    {
    }

    /// <summary>A buffer whose contents are left as the allocator gives them when <paramref name="zeroed"/> is false: for
    /// a large store its owner writes before it reads (no pass over memory, and no page touched, before it is used).</summary>
    public AlignedBuffer(long length, string what, bool zeroed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        long bytes;
        try
        {
            bytes = checked(length * sizeof(T));
        }
        catch (OverflowException)
        {
            throw new InsufficientMemoryException($"{what}: {length} elements of {typeof(T).Name} overflow the address space.");
        }

        Length = length;
        _bytes = Math.Max(bytes, 1);
        try
        {
            _pointer = (nint)NativeMemory.AlignedAlloc((nuint)_bytes, Alignment);
        }
        catch (OutOfMemoryException)
        {
            throw new InsufficientMemoryException($"{what}: cannot allocate {_bytes / (1024.0 * 1024.0):F1} MiB.");
        }

        if (zeroed)
        {
            NativeMemory.Clear((void*)_pointer, (nuint)_bytes);
        }

        GC.AddMemoryPressure(_bytes);
        AlignedMemory.Allocated(_bytes);
    }

    /// <summary>Number of buffers (of any element type) allocated and not yet freed, process-wide.</summary>
    public static long Outstanding => AlignedMemory.Outstanding;

    /// <summary>Bytes of all buffers (of any element type) allocated and not yet freed, process-wide.</summary>
    public static long OutstandingBytes => AlignedMemory.OutstandingBytes;

    /// <summary>The most <see cref="OutstandingBytes"/> has been since the last <see cref="ResetPeak"/> (memory tests).</summary>
    public static long PeakBytes => AlignedMemory.PeakBytes;

    /// <summary>Starts a new peak measurement from the current outstanding bytes.</summary>
    public static void ResetPeak() => AlignedMemory.ResetPeak();

    public long Length { get; }

    public T* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == 0, this);
            return (T*)_pointer;
        }
    }

    public Span<T> AsSpan() => AsSpan(0, checked((int)Length));

    public Span<T> AsSpan(long start, int length)
    {
        if ((ulong)start + (ulong)length > (ulong)Length)
        {
            throw new ArgumentOutOfRangeException(nameof(length));
        }

        return new Span<T>(Pointer + start, length);
    }

    public void Clear() => NativeMemory.Clear(Pointer, (nuint)_bytes);

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    ~AlignedBuffer() => Free();

    private void Free()
    {
        nint p = Interlocked.Exchange(ref _pointer, 0);
        if (p != 0)
        {
            NativeMemory.AlignedFree((void*)p);
            GC.RemoveMemoryPressure(_bytes);
            AlignedMemory.Freed(_bytes);
        }
    }
}

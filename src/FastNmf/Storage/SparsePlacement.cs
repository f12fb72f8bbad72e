using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastNmf.Storage;

/// <summary>
/// Branch-free placement of a sparse copy's entries. Counted electron data is zero or not at random (about a third of
/// the values are not): a branch per value is mispredicted every other time or so, which made building the sparse
/// copies of a 256×256 scan take 22 s. Instead every value is written — a nonzero to its entry, a zero to a spare
/// slot past the last entry (whose contents nobody reads) — and the cursor advances by 0 or 1.
/// </summary>
internal static class SparsePlacement
{
    /// <summary>1 for a nonzero value, 0 for zero, without a branch for uint16 counts.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long NonZero<T>(T value)
        where T : unmanaged, INumberBase<T>
    {
        if (typeof(T) == typeof(ushort))
        {
            return (long)((uint)-(int)Unsafe.As<T, ushort>(ref value) >> 31);
        }

        return T.IsZero(value) ? 0 : 1;
    }

    /// <summary><paramref name="cursor"/> for a nonzero (<paramref name="nonZero"/> = 1), else the spare slot
    /// <paramref name="spare"/>: selected by a mask, not a branch.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static long Slot(long cursor, long nonZero, long spare)
    {
        long keep = -nonZero;
        return (cursor & keep) | (spare & ~keep);
    }
}

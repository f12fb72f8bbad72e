using System.Numerics;
using System.Runtime.CompilerServices;

namespace FastNmf.Storage;

/// <summary>
/// Branch-free tests for building a sparse copy. Counted electron data is zero or not at random (about a third of the
/// values are not): a branch per value is mispredicted every other time or so, which made building the sparse copies
/// of a 256×256 scan take 22 s. Instead every value is written and a cursor advances by 0 or 1
/// (<see cref="SparseSpanBuilder"/>).
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
}

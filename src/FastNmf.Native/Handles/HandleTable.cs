namespace FastNmf.Native.Handles;

/// <summary>
/// Opaque handles for C: a handle is not a pointer but a tagged (slot, generation) pair, so a made-up value, a pointer
/// to something else or a handle used after destroy is recognised instead of dereferenced. Layout of the 64-bit value:
/// bits 56–63 the table's tag (one per kind of handle) (which makes every handle a non-canonical address, never equal to a real pointer), bits
/// 24–55 the slot's generation, bits 0–23 the slot index + 1. A slot's generation grows on every reuse, so a stale
/// handle never matches the object that reused its slot.
/// </summary>
internal sealed class HandleTable<T>(byte tag) where T : class
{
    private const int SlotBits = 24;
    private const ulong SlotMask = (1UL << SlotBits) - 1;
    private readonly ulong _tag = (ulong)tag << 56;
    private const int MaxSlots = (int)SlotMask;

    private readonly object _gate = new();
    private readonly Stack<int> _free = new();
    private T?[] _values = new T?[16];
    private uint[] _generations = new uint[16];
    private int _used;

    /// <summary>Objects currently registered.</summary>
    public int Count { get; private set; }

    /// <summary>Registers <paramref name="value"/> and returns its handle.</summary>
    /// <exception cref="InvalidOperationException">2²⁴ − 1 handles are alive at once.</exception>
    public nint Add(T value)
    {
        ArgumentNullException.ThrowIfNull(value);
        lock (_gate)
        {
            int slot = _free.Count > 0 ? _free.Pop() : NewSlot();
            _generations[slot]++;
            _values[slot] = value;
            Count++;
            return Encode(slot, _generations[slot]);
        }
    }

    /// <summary>What <paramref name="handle"/> refers to.</summary>
    public HandleLookup Find(nint handle, out T? value)
    {
        lock (_gate)
        {
            return FindLocked(handle, out value, out _);
        }
    }

    /// <summary>Unregisters the object of <paramref name="handle"/> if it is still <paramref name="expected"/>.</summary>
    public bool Remove(nint handle, T expected)
    {
        lock (_gate)
        {
            if (FindLocked(handle, out T? value, out int slot) != HandleLookup.Live || !ReferenceEquals(value, expected))
            {
                return false;
            }

            _values[slot] = null;
            Count--;
            // A slot whose generation would wrap is retired rather than reused: its old handles must stay stale.
            if (_generations[slot] != uint.MaxValue)
            {
                _free.Push(slot);
            }

            return true;
        }
    }

    private HandleLookup FindLocked(nint handle, out T? value, out int slot)
    {
        value = null;
        ulong bits = (ulong)handle;
        slot = (int)(bits & SlotMask) - 1;
        uint generation = (uint)(bits >> SlotBits);
        if ((bits & (0xFFUL << 56)) != _tag || slot < 0 || slot >= _used || generation == 0 || generation > _generations[slot])
        {
            return HandleLookup.Unknown;
        }

        if (generation != _generations[slot] || _values[slot] is null)
        {
            return HandleLookup.Destroyed;
        }

        value = _values[slot];
        return HandleLookup.Live;
    }

    private int NewSlot()
    {
        if (_used == MaxSlots)
        {
            throw new InvalidOperationException($"{MaxSlots} handles are alive at once; destroy some first.");
        }

        if (_used == _values.Length)
        {
            Array.Resize(ref _values, _values.Length * 2);
            Array.Resize(ref _generations, _generations.Length * 2);
        }

        return _used++;
    }

    private nint Encode(int slot, uint generation) => (nint)(_tag | ((ulong)generation << SlotBits) | (uint)(slot + 1));
}

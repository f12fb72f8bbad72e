namespace FastNmf.Native.Handles;

/// <summary>Exclusive use of a handle's object for the length of one export call.</summary>
internal readonly ref struct Lease<T>
    where T : class, IHandleObject
{
    public Lease(T value) => Value = value;

    public T Value { get; }

    /// <summary>The factorizer session (for a factorizer lease).</summary>
    public T Session => Value;

    public void Dispose() => Value.Exit();
}

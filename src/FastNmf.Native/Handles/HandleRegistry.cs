using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Handles;

/// <summary>
/// The process-wide table behind one kind of C handle (<c>fastnmf_factorizer*</c>, <c>fastnmf_model*</c>): lookup with
/// exclusive use per call, and idempotent destroy. Each kind has its own tag, so a handle of one kind passed where
/// another is expected is an invalid handle, not a different object.
/// </summary>
internal sealed class HandleRegistry<T>(byte tag, string kind, string creators)
    where T : class, IHandleObject
{
    private readonly HandleTable<T> _table = new(tag);

    public nint Add(T value) => _table.Add(value);

    /// <summary>Takes <paramref name="handle"/> for the current call; dispose the lease to release it.</summary>
    /// <exception cref="CApiException"><see cref="Status.NullPointer"/> for NULL, <see cref="Status.InvalidHandle"/> for anything but a live handle,
    /// <see cref="Status.Busy"/> when another call holds it.</exception>
    public Lease<T> Enter(nint handle)
    {
        if (handle == 0)
        {
            throw new CApiException(Status.NullPointer, $"{kind} is NULL.");
        }

        T value = Live(handle);
        if (!value.TryEnter())
        {
            throw value.IsDestroyed
                ? new CApiException(Status.InvalidHandle, "the handle was destroyed.")
                : new CApiException(Status.Busy, $"the handle is in use by another call (another thread, or a callback of its own call); a {kind} handle serves one call at a time.");
        }

        return new Lease<T>(value);
    }

    /// <summary>Destroys <paramref name="handle"/>: NULL and already destroyed handles are accepted (idempotent).</summary>
    /// <exception cref="CApiException"><see cref="Status.InvalidHandle"/> for a value never issued,
    /// <see cref="Status.Busy"/> when the handle is in use (it stays valid).</exception>
    public void Destroy(nint handle)
    {
        if (handle == 0)
        {
            return;
        }

        switch (_table.Find(handle, out T? value))
        {
            case HandleLookup.Unknown:
                throw Unknown();
            case HandleLookup.Destroyed:
                return;
        }

        if (!value!.TryEnter())
        {
            if (value.IsDestroyed)
            {
                return;
            }

            throw new CApiException(Status.Busy, "the handle is in use by another call; destroy it after that call returns.");
        }

        // The lease is never released: a call racing with destroy finds the object busy, then sees IsDestroyed.
        value.MarkDestroyed();
        _table.Remove(handle, value);
    }

    private T Live(nint handle) => _table.Find(handle, out T? value) switch
    {
        HandleLookup.Live => value!,
        HandleLookup.Destroyed => throw new CApiException(Status.InvalidHandle, "the handle was destroyed."),
        _ => throw Unknown(),
    };

    private CApiException Unknown() =>
        new(Status.InvalidHandle, $"not a handle created by {creators}: a {kind} handle is expected (NULL, garbage, another kind of handle or from another library).");
}

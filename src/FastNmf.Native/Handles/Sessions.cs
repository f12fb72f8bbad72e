using FastNmf.Native.Abi;
using FastNmf.Native.Errors;

namespace FastNmf.Native.Handles;

/// <summary>The process-wide table behind <c>fastnmf_factorizer*</c> handles.</summary>
internal static class Sessions
{
    private static readonly HandleTable<Session> s_table = new();

    public static nint Add(Session session) => s_table.Add(session);

    /// <summary>Takes <paramref name="handle"/> for the current call; dispose the lease to release it.</summary>
    /// <exception cref="CApiException"><see cref="Status.NullPointer"/> for NULL, <see cref="Status.InvalidHandle"/> for anything but a live handle,
    /// <see cref="Status.Busy"/> when another call holds it.</exception>
    public static SessionLease Enter(nint handle)
    {
        if (handle == 0)
        {
            throw new CApiException(Status.NullPointer, "factorizer is NULL.");
        }

        Session session = Live(handle);
        if (!session.TryEnter())
        {
            throw session.IsDestroyed
                ? new CApiException(Status.InvalidHandle, "the handle was destroyed.")
                : new CApiException(Status.Busy, "the handle is in use by another call (another thread, or the progress callback of its own run); a handle serves one call at a time.");
        }

        return new SessionLease(session);
    }

    /// <summary>Destroys <paramref name="handle"/>: NULL and already destroyed handles are accepted (idempotent).</summary>
    /// <exception cref="CApiException"><see cref="Status.InvalidHandle"/> for a value never issued,
    /// <see cref="Status.Busy"/> when the handle is in use (it stays valid).</exception>
    public static void Destroy(nint handle)
    {
        if (handle == 0)
        {
            return;
        }

        switch (s_table.Find(handle, out Session? session))
        {
            case HandleLookup.Unknown:
                throw Unknown();
            case HandleLookup.Destroyed:
                return;
        }

        if (!session!.TryEnter())
        {
            if (session.IsDestroyed)
            {
                return;
            }

            throw new CApiException(Status.Busy, "the handle is in use by another call; destroy it after that call returns.");
        }

        // The lease is never released: a call racing with destroy finds the session busy, then sees IsDestroyed.
        session.MarkDestroyed();
        s_table.Remove(handle, session);
    }

    private static Session Live(nint handle) => s_table.Find(handle, out Session? session) switch
    {
        HandleLookup.Live => session!,
        HandleLookup.Destroyed => throw new CApiException(Status.InvalidHandle, "the handle was destroyed."),
        _ => throw Unknown(),
    };

    private static CApiException Unknown() =>
        new(Status.InvalidHandle, "not a handle created by fastnmf_factorizer_create (NULL, garbage or from another library).");
}

namespace FastNmf.Native.Handles;

/// <summary>Exclusive use of a session for the length of one export call.</summary>
internal readonly ref struct SessionLease
{
    public SessionLease(Session session) => Session = session;

    public Session Session { get; }

    public void Dispose() => Session.Exit();
}

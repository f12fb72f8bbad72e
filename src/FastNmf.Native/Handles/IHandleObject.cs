namespace FastNmf.Native.Handles;

/// <summary>What a C handle refers to: used by one call at a time, and destroyed for good once.</summary>
internal interface IHandleObject
{
    bool IsDestroyed { get; }

    /// <summary>Takes the object for one call; false when another call holds it.</summary>
    bool TryEnter();

    void Exit();

    /// <summary>Called with the object held by destroy, which keeps it held for good.</summary>
    void MarkDestroyed();
}

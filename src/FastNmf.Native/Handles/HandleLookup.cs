namespace FastNmf.Native.Handles;

/// <summary>What a handle value refers to.</summary>
internal enum HandleLookup
{
    /// <summary>Not a value this library ever issued (garbage, a real pointer, NULL).</summary>
    Unknown,

    /// <summary>Issued, but its object has been destroyed.</summary>
    Destroyed,

    /// <summary>A live object.</summary>
    Live,
}

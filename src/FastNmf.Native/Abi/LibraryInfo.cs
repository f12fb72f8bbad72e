namespace FastNmf.Native.Abi;

/// <summary>Constants of the ABI this library implements.</summary>
internal static class LibraryInfo
{
    /// <summary><c>FASTNMF_ABI_VERSION</c> of the header this library matches.</summary>
    public const uint AbiVersion = 2;
}

namespace FastNmf.Native.Abi;

/// <summary>The <c>fastnmf_status</c> values of <c>native/include/fastnmf.h</c> (same numbers, same order).</summary>
internal enum Status
{
    Ok = 0,
    NullPointer = 1,
    BadStructSize = 2,
    InvalidHandle = 3,
    InvalidArgument = 4,
    BadLayout = 5,
    BadData = 6,
    NoResult = 7,
    BufferTooSmall = 8,
    Cancelled = 9,
    NumericalFailure = 10,
    OutOfMemory = 11,
    Busy = 12,
    BackendUnavailable = 13,
    Internal = 14,
}

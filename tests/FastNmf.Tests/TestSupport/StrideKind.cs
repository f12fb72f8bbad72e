namespace FastNmf.Tests.TestSupport;

/// <summary>How a test matrix pads its rows.</summary>
public enum StrideKind
{
    /// <summary>Columns rounded up to the next multiple of 16 strictly above them.</summary>
    RoundedUp16,

    /// <summary>Columns plus 3.</summary>
    Plus3,
}

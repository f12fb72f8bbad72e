namespace FastNmf;

/// <summary>How X is built from the input, for memory planning (see <see cref="RunPlan"/>).</summary>
public enum XReadMode
{
    /// <summary>float32 X (<see cref="Data.UnfoldedData.Create(IO.FrameSource, Data.DetectorMask?, bool, IProgress{long}?)"/>): 4 bytes per value.</summary>
    Float32,

    /// <summary>uint16 X (<see cref="Data.UnfoldedData.CreateCounts"/>) in memory: 2 bytes per value.</summary>
    Counts,

    /// <summary>uint16 X that is the input file, memory-mapped: no memory of its own (the page cache holds what fits).</summary>
    CountsMapped,
}

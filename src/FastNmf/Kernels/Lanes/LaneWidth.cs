namespace FastNmf.Kernels.Lanes;

/// <summary>The vector width a lane kernel runs at.</summary>
internal enum LaneWidth
{
    Scalar,
    Vector256,
    Vector512,
}

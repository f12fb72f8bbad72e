namespace FastNmf.Live;

/// <summary>What frames of a scan are pushed into as they arrive (<see cref="LiveProjection"/>; a learner later):
/// blocks of consecutive scan positions, positions whose frame was lost, and the scan's end.</summary>
public interface ILiveScan
{
    /// <summary>Scan positions: the acquisition's frame indices must lie below it.</summary>
    int Positions { get; }

    /// <summary>Detector rows every frame must have.</summary>
    int DetRows { get; }

    /// <summary>Detector columns every frame must have.</summary>
    int DetCols { get; }

    /// <summary>Frames for positions <paramref name="firstPosition"/>, … as uint16 counts.</summary>
    void Push(ReadOnlySpan<ushort> frames, long firstPosition);

    /// <summary>Frames for positions <paramref name="firstPosition"/>, … as float32.</summary>
    void Push(ReadOnlySpan<float> frames, long firstPosition);

    /// <summary>Positions whose frames will not come.</summary>
    void MarkLost(long firstPosition, int count);

    /// <summary>The scan ended: what is still pending is lost.</summary>
    void Complete();
}

namespace FastNmf.Live;

/// <summary>What a live scan knows of one scan position.</summary>
public enum PositionState : byte
{
    /// <summary>No frame yet.</summary>
    Pending = 0,

    /// <summary>Its frame arrived and was projected.</summary>
    Received = 1,

    /// <summary>Its frame was lost (a sequence or frame-id gap, or the scan ended without it): no data, never filled by
    /// another frame, so the scan does not shift.</summary>
    Lost = 2,
}

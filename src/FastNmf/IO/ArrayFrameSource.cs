using FastNmf.Data;

namespace FastNmf.IO;

/// <summary>A data set already in memory (<see cref="Dataset4D"/>) seen as a frame source; nothing is copied until read.</summary>
internal sealed class ArrayFrameSource : FrameSource
{
    private readonly Dataset4D _data;

    public ArrayFrameSource(Dataset4D data, string name = "(in memory)")
        : base(name, "memory", "float32", data.ScanRows, data.ScanCols, data.DetRows, data.DetCols)
    {
        _data = data;
    }

    protected override void ReadFramesCore(long first, int count, Span<float> destination) =>
        _data.Data.AsSpan(checked((int)(first * FrameLength)), destination.Length).CopyTo(destination);
}

namespace FastNmf.Distributed;

/// <summary>One process: every collective is the identity (rank 0's data are all the data).</summary>
internal sealed class SingleProcessCommunicator : Communicator
{
    public override int Rank => 0;

    public override int Size => 1;

    protected override void AllreduceSumCore(Span<double> values)
    {
    }

    protected override void AllreduceMaxCore(Span<double> values)
    {
    }

    protected override void ExchangeHaloCore(ReadOnlySpan<float> toPrevious, ReadOnlySpan<float> toNext, Span<float> fromPrevious, Span<float> fromNext)
    {
        if (toPrevious.Length + toNext.Length + fromPrevious.Length + fromNext.Length != 0)
        {
            throw new ArgumentException("one process has no neighbours to exchange rows with.");
        }
    }

    protected override void GatherToRootCore(ReadOnlySpan<float> local, Span<float> atRoot, ReadOnlySpan<int> counts) => local.CopyTo(atRoot);

    protected override void BroadcastCore(Span<byte> data)
    {
    }
}

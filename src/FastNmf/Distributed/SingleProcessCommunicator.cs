namespace FastNmf.Distributed;

/// <summary>One process: every collective is the identity (rank 0's data are all the data).</summary>
internal sealed class SingleProcessCommunicator : Communicator
{
    public override int Rank => 0;

    public override int Size => 1;

    public override void AllreduceSum(Span<double> values)
    {
    }

    public override void AllreduceMax(Span<double> values)
    {
    }

    public override void ExchangeHalo(ReadOnlySpan<float> toPrevious, ReadOnlySpan<float> toNext, Span<float> fromPrevious, Span<float> fromNext)
    {
        if (toPrevious.Length + toNext.Length + fromPrevious.Length + fromNext.Length != 0)
        {
            throw new ArgumentException("one process has no neighbours to exchange rows with.");
        }
    }

    public override void GatherToRoot(ReadOnlySpan<float> local, Span<float> atRoot, ReadOnlySpan<int> counts) => local.CopyTo(atRoot);

    public override void Broadcast(Span<byte> data)
    {
    }
}

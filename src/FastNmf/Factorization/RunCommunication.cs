namespace FastNmf;

/// <summary>
/// What the iterations of one distributed run communicated on this rank (<see cref="NmfResult.Communication"/>): from
/// the first reduction to the last, every batch of restarts included; the statistics, the agreement and the gathers
/// before and after are not counted.
/// </summary>
/// <param name="Steps">Iteration steps run (per batch, the most any of its restarts ran), each one reduction.</param>
/// <param name="Collectives">Collective calls.</param>
/// <param name="ReducedBytes">Payload bytes this rank sent into the sums and maxima.</param>
/// <param name="ExchangedBytes">Payload bytes of [·]_H's boundary rows this rank sent to its neighbours.</param>
/// <param name="Time">Wall time inside the collectives (<see cref="PhaseTimes.Reduce"/>: transfer and waiting for the
/// slowest rank).</param>
public sealed record RunCommunication(int Steps, long Collectives, long ReducedBytes, long ExchangedBytes, TimeSpan Time)
{
    /// <summary>Payload bytes per iteration step.</summary>
    public double BytesPerStep => Steps == 0 ? 0 : (double)(ReducedBytes + ExchangedBytes) / Steps;

    /// <summary>Collective calls per iteration step.</summary>
    public double CollectivesPerStep => Steps == 0 ? 0 : (double)Collectives / Steps;
}

using System.Diagnostics;
using FastNmf.IO;
using FastNmf.Streams;

namespace FastNmf.Live;

/// <summary>How a live feed buffers and reports.</summary>
public sealed record LiveFeedOptions
{
    /// <summary>Frames per buffer slot: the most the consumer takes at once (the receiver hands over a slot as soon as
    /// the consumer waits, so slots fill only while it is busy). 0: as many as fit in 32 MiB, from 16 to 256.</summary>
    public int FramesPerSlot { get; init; }

    /// <summary>Buffer slots between the receiver and the consumer: the most frames ever held is Slots × FramesPerSlot.</summary>
    public int Slots { get; init; } = 8;

    /// <summary>Frames the receiver reads before it looks whether the consumer waits.</summary>
    public int FramesPerRead { get; init; } = 16;

    internal int SlotFrames(int frameBytes) => FramesPerSlot > 0 ? FramesPerSlot : Math.Clamp((32 << 20) / Math.Max(1, frameBytes), 16, 256);

    /// <summary>How often the status callback runs.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromMilliseconds(250);
}

/// <summary>
/// Runs a detector stream into a live scan: a receiver thread reads runs of frames into a fixed ring of buffers
/// (<see cref="FrameRing{T}"/>: when it is full the receiver stops reading and TCP holds the detector back), and the
/// calling thread pushes them into the scan in order, marking the frames the stream lost, and measuring each frame's
/// latency from its last byte to its map value. The feed ends with the acquisition, the stream's end or failure
/// (frames before it are kept), or cancellation; the scan is then completed, whatever was not received being lost.
/// </summary>
public static class LiveFeed
{
    /// <summary>Opens <paramref name="stream"/> (waits for its first frame), checks it against <paramref name="scan"/>, and feeds it.</summary>
    /// <exception cref="DataFormatException">the stream failed before its first frame, or its frames do not fit the scan
    /// (another detector size, more frames announced than positions).</exception>
    /// <exception cref="TimeoutException">no first frame within the stream's timeout.</exception>
    public static LiveFeedResult Run(DetectorStream stream, ILiveScan scan, LiveFeedOptions options, Action<LiveStatus>? status, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(scan);
        ArgumentNullException.ThrowIfNull(options);
        stream.Open();
        if (stream.DetRows != scan.DetRows || stream.DetCols != scan.DetCols)
        {
            throw new DataFormatException(stream.Origin, null, $"its frames are {stream.DetRows}×{stream.DetCols} ({stream.Describe()}), the scan's model expects {scan.DetRows}×{scan.DetCols}.");
        }

        if (stream.FramesAnnounced > scan.Positions)
        {
            throw new DataFormatException(stream.Origin, null, $"the acquisition announces {stream.FramesAnnounced} frames; the scan has {scan.Positions} positions: check the scan shape.");
        }

        return stream.FitsUInt16
            ? new Feed<ushort>(stream, scan, options, status).Run(cancel)
            : new Feed<float>(stream, scan, options, status).Run(cancel);
    }

    private sealed class Feed<T>(DetectorStream stream, ILiveScan scan, LiveFeedOptions options, Action<LiveStatus>? status)
        where T : unmanaged
    {
        private readonly FrameRing<T> _ring = new(Math.Max(2, options.Slots), options.SlotFrames(stream.FrameLength * System.Runtime.CompilerServices.Unsafe.SizeOf<T>()), stream.FrameLength);
        private readonly int _framesPerRead = Math.Max(1, options.FramesPerRead);
        private readonly LatencyHistogram _latency = new();
        private long _received;
        private long _lost;
        private long _firstTimestamp;

        public LiveFeedResult Run(CancellationToken cancel)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            var receiver = new Thread(() => Receive(stop.Token)) { IsBackground = true, Name = "fastnmf live receiver" };
            receiver.Start();
            LiveEnd end = LiveEnd.Complete;
            string? reason = null;
            long next = 0, lastStatus = Stopwatch.GetTimestamp();
            long statusTicks = (long)(options.StatusInterval.TotalSeconds * Stopwatch.Frequency);
            try
            {
                while (_ring.TakeFilled(cancel) is FrameSlot<T> slot)
                {
                    try
                    {
                        next = Consume(slot, next);
                    }
                    finally
                    {
                        _ring.ReturnFree(slot);
                    }

                    long now = Stopwatch.GetTimestamp();
                    if (status is not null && now - lastStatus >= statusTicks)
                    {
                        status(Status(now));
                        lastStatus = now;
                    }
                }
            }
            catch (DataFormatException e)
            {
                end = LiveEnd.Failed;
                reason = e.Message;
            }
            finally
            {
                stop.Cancel();
                if (cancel.IsCancellationRequested)
                {
                    stream.Dispose(); // unblocks a receive in progress
                }

                receiver.Join(TimeSpan.FromSeconds(10));
            }

            if (cancel.IsCancellationRequested)
            {
                end = LiveEnd.Cancelled;
                reason = "stopped before the scan ended";
            }
            else if (end == LiveEnd.Complete && _ring.Error is Exception error)
            {
                end = LiveEnd.Failed;
                reason = error.Message;
            }

            long missing = scan.Positions - _received;
            if (end == LiveEnd.Complete && missing > 0)
            {
                long lostInStream = _lost + (stream.FramesAnnounced > 0 ? Math.Max(0, stream.FramesAnnounced - next) : 0);
                bool ended = stream.FramesAnnounced > 0 ? next < stream.FramesAnnounced : next < scan.Positions;
                end = ended ? LiveEnd.EndedEarly : LiveEnd.Complete;
                reason = ended
                    ? $"the source ended after frame {next - 1} of {(stream.FramesAnnounced > 0 ? stream.FramesAnnounced : scan.Positions)}: {missing} position(s) have no frame"
                    : $"{lostInStream} frame(s) lost in the stream";
            }

            // The rates are the stream's: taken before the scan's end work (a learner's last passes) starts.
            LiveStatus final = Status(Stopwatch.GetTimestamp());
            scan.Complete();
            return new LiveFeedResult(end, reason, final, missing, _latency);
        }

        private long Consume(FrameSlot<T> slot, long next)
        {
            int length = stream.FrameLength;
            for (int r = 0; r < slot.Runs; r++)
            {
                (long first, int start, int count) = slot.Run(r);
                if (first + count > scan.Positions)
                {
                    throw new DataFormatException(stream.Origin, null,
                        $"frame {first + count - 1} is past the scan's {scan.Positions} positions: check the scan shape (the detector sent more frames).");
                }

                if (first > next)
                {
                    scan.MarkLost(next, (int)(first - next));
                    _lost += first - next;
                }

                if (typeof(T) == typeof(ushort))
                {
                    scan.Push(((ushort[])(object)slot.Frames).AsSpan(start * length, count * length), first);
                }
                else
                {
                    scan.Push(((float[])(object)slot.Frames).AsSpan(start * length, count * length), first);
                }

                long done = Stopwatch.GetTimestamp();
                for (int i = start; i < start + count; i++)
                {
                    _latency.Record(slot.Arrivals[i], done);
                }

                _received += count;
                next = first + count;
            }

            return next;
        }

        private void Receive(CancellationToken stop)
        {
            try
            {
                bool ended = false;
                Exception? failure = null;
                while (!ended && _ring.RentFree(stop) is FrameSlot<T> slot)
                {
                    slot.Clear();
                    // Fill the slot while the consumer is busy; hand it over as soon as it waits (or the slot is full).
                    while (!slot.IsFull)
                    {
                        int room = Math.Min(_framesPerRead, slot.Capacity - slot.Count) * stream.FrameLength;
                        int n;
                        long first;
                        try
                        {
                            n = typeof(T) == typeof(ushort)
                                ? stream.Read(((ushort[])(object)slot.Frames).AsSpan(slot.Count * stream.FrameLength, room), slot.FreeArrivals, out first)
                                : stream.Read(((float[])(object)slot.Frames).AsSpan(slot.Count * stream.FrameLength, room), slot.FreeArrivals, out first);
                        }
#pragma warning disable CA1031 // the frames already in the slot are handed over first; the failure ends the feed after them
                        catch (Exception e) when (!stop.IsCancellationRequested)
#pragma warning restore CA1031
                        {
                            failure = e;
                            n = 0;
                            first = 0;
                        }

                        if (n == 0)
                        {
                            ended = true;
                            break;
                        }

                        if (Interlocked.Read(ref _firstTimestamp) == 0)
                        {
                            Interlocked.Exchange(ref _firstTimestamp, slot.Arrivals[slot.Count]);
                        }

                        slot.Add(first, n);
                        if (_ring.ConsumerWaiting)
                        {
                            break;
                        }
                    }

                    if (slot.Count > 0)
                    {
                        _ring.Publish(slot);
                    }
                    else
                    {
                        _ring.ReturnFree(slot);
                    }
                }

                _ring.Finish(failure);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                _ring.Finish(null); // the stream was closed to stop the read
            }
#pragma warning disable CA1031 // a receiver thread's failure is the feed's result, reported by the consumer; it must not end the process
            catch (Exception e)
#pragma warning restore CA1031
            {
                _ring.Finish(e);
            }
        }

        private LiveStatus Status(long now)
        {
            long start = Interlocked.Read(ref _firstTimestamp);
            double seconds = start == 0 ? 0 : (double)(now - start) / Stopwatch.Frequency;
            return new LiveStatus(_received, _lost, stream.FramesAnnounced, scan.Positions, stream.BytesReceived, seconds,
                _ring.Backlog * Math.Max(1, options.FramesPerSlot), _latency.Percentile(0.5), _latency.Percentile(0.99));
        }
    }
}

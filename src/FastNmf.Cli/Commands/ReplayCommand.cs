using System.CommandLine;
using System.Net;
using FastNmf.IO;
using FastNmf.Streams;

namespace FastNmf.Cli.Commands;

/// <summary><c>fastnmf replay merlin INPUT --port P</c>: serve a file as a Merlin detector's data port, so live mode
/// can be tried (and tested) without a detector.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var replay = new Command("replay", "Serve a 4D-STEM file as a detector streams it (for trying `fastnmf live` without a detector).");
        replay.Subcommands.Add(CreateMerlin());
        replay.Subcommands.Add(CreateDectris());
        return replay;
    }

    private static Command CreateDectris()
    {
        var input = new Argument<string>("input") { Description = "4D-STEM data in any input format (counts: whole numbers up to 65535)." };
        var port = new Option<int>("--port") { Description = "TCP port of the ZeroMQ PUSH socket (0: a free one, printed); a DECTRIS detector's is 9999.", DefaultValueFactory = _ => 9999 };
        var bind = new Option<string>("--bind") { Description = "Address to bind: 127.0.0.1 (default), or e.g. 0.0.0.0 to serve the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var rate = new Option<double>("--rate") { Description = "Frames per second (0: as fast as the receiver pulls).", DefaultValueFactory = _ => 0 };
        var version = new Option<int>("--stream") { Description = "SIMPLON stream version: 1 (multipart JSON + blob, a detector's port 9999) or 2 (one CBOR message each, port 31001).", DefaultValueFactory = _ => 1 };
        var reading = new InputOptionSet();
        var command = new Command("dectris", "Serve INPUT as a DECTRIS SIMPLON stream (ZeroMQ PUSH), v1 or v2: one series, each frame bitshuffle + LZ4 uint16, then the series' end.")
        {
            input, port, bind, rate, version,
        };
        reading.AddTo(command, withDryRun: false);
        command.SetAction(p => CliErrors.Run(() =>
        {
            if (reading.AnyMask(p))
            {
                throw new UsageException("replay sends the frames as they are; mask options do not apply.");
            }

            if (!IPAddress.TryParse(p.GetValue(bind), out IPAddress? address))
            {
                throw new UsageException($"--bind {p.GetValue(bind)}: not an IP address.");
            }

            double hz = p.GetValue(rate);
            if (!(hz >= 0 && double.IsFinite(hz)))
            {
                throw new UsageException($"--rate {hz}: frames per second, 0 or more.");
            }

            int stream = p.GetValue(version);
            if (stream is not (1 or 2))
            {
                throw new UsageException($"--stream {stream}: SIMPLON stream versions are 1 and 2.");
            }

            (FrameSource opened, _) = InputPipeline.Open(p.GetValue(input)!, reading, p);
            using FrameSource source = opened;
            using var server = new Dectris.SimplonReplayServer(source, address, p.GetValue(port), hz, streamVersion: stream);
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler stop = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += stop;
            try
            {
                Console.WriteLine($"serving {source.Path} ({source.ScanRows}×{source.ScanCols} scan, {source.DetRows}×{source.DetCols} frames) as a SIMPLON v{stream} stream on tcp://{address}:{server.Port}{(hz > 0 ? $" at {hz:0.###} frames/s" : string.Empty)}");
                Console.Out.Flush();
                server.Serve(cancel.Token);
                Console.WriteLine($"sent {server.FramesSent} frames and the series' end");
                return cancel.IsCancellationRequested ? 130 : 0;
            }
            finally
            {
                Console.CancelKeyPress -= stop;
            }
        }));
        return command;
    }

    private static Command CreateMerlin()
    {
        var input = new Argument<string>("input") { Description = "4D-STEM data in any input format (counts: whole numbers the pixel type holds)." };
        var port = new Option<int>("--port") { Description = $"TCP port to listen on (0: a free one, printed); a Merlin's data port is {MerlinReceiver.DefaultDataPort}.", DefaultValueFactory = _ => MerlinReceiver.DefaultDataPort };
        var bind = new Option<string>("--bind") { Description = "Address to listen on: 127.0.0.1 (default, this machine only), or e.g. 0.0.0.0 to serve the network.", DefaultValueFactory = _ => "127.0.0.1" };
        var rate = new Option<double>("--rate") { Description = "Frames per second (0: as fast as the receiver reads).", DefaultValueFactory = _ => 0 };
        var pixelType = new Option<string>("--pixel-type") { Description = "U08, U16 or U32 (big-endian counts), as Merlin sends 6-, 12- and 24-bit counters unpacked.", DefaultValueFactory = _ => "U16" };
        var raw = new Option<int?>("--raw") { Description = "Send RAW (R64) frames of this counter depth instead: 1, 6 or 12 (a 512×512 detector is sent as a quad's 1024×256 readout)." };
        var repeat = new Option<int>("--repeat") { Description = "Acquisitions to serve, each the whole file; a receiver that disconnects ends its acquisition, the next goes to the next receiver.", DefaultValueFactory = _ => 1 };
        var wait = new Option<double>("--accept-timeout") { Description = "Seconds to wait for a receiver before each acquisition.", DefaultValueFactory = _ => 600 };
        var reading = new InputOptionSet();
        var command = new Command("merlin", "Serve INPUT on a Merlin data port: the acquisition header, then every frame as an MPX message (.mib frame header and pixels), in scan order.")
        {
            input, port, bind, rate, pixelType, raw, repeat, wait,
        };
        pixelType.AcceptOnlyFromAmong("U08", "U16", "U32");
        reading.AddTo(command, withDryRun: false);
        command.SetAction(p => CliErrors.Run(() =>
        {
            if (reading.AnyMask(p))
            {
                throw new UsageException("replay sends the frames as they are; mask options do not apply.");
            }

            MerlinPixelFormat format = (p.GetValue(raw), p.GetValue(pixelType)) switch
            {
                (null, "U08") => MerlinPixelFormat.U08,
                (null, "U32") => MerlinPixelFormat.U32,
                (null, _) => MerlinPixelFormat.U16,
                (1, _) => MerlinPixelFormat.Raw1,
                (6, _) => MerlinPixelFormat.Raw6,
                (12, _) => MerlinPixelFormat.Raw12,
                (int other, _) => throw new UsageException($"--raw {other}: RAW counter depths are 1, 6 and 12."),
            };
            if (!IPAddress.TryParse(p.GetValue(bind), out IPAddress? address))
            {
                throw new UsageException($"--bind {p.GetValue(bind)}: not an IP address.");
            }

            double hz = p.GetValue(rate), acceptSeconds = p.GetValue(wait);
            if (!(hz >= 0 && double.IsFinite(hz)))
            {
                throw new UsageException($"--rate {hz}: frames per second, 0 or more.");
            }

            if (p.GetValue(repeat) < 1 || !(acceptSeconds > 0))
            {
                throw new UsageException("--repeat and --accept-timeout must be positive.");
            }

            (FrameSource opened, _) = InputPipeline.Open(p.GetValue(input)!, reading, p);
            using FrameSource source = opened;
            var options = new MerlinReplayOptions
            {
                Address = address, Port = p.GetValue(port), Rate = hz, Format = format, Repeat = p.GetValue(repeat),
                AcceptTimeout = TimeSpan.FromSeconds(acceptSeconds),
            };
            using var server = new MerlinReplayServer(source, options);
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler stop = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += stop;
            try
            {
                Console.WriteLine($"serving {source.Path} ({source.ScanRows}×{source.ScanCols} scan, {source.DetRows}×{source.DetCols} {format} frames) as a Merlin data port on {address}:{server.Port}" +
                    $"{(hz > 0 ? $" at {hz:0.###} frames/s" : string.Empty)}, {options.Repeat} acquisition(s)");
                Console.Out.Flush();
                int whole = server.Serve(Console.Out, cancel.Token);
                Console.WriteLine($"sent {whole} whole acquisition(s), {server.FramesSent} frames");
                return cancel.IsCancellationRequested ? 130 : 0;
            }
            finally
            {
                Console.CancelKeyPress -= stop;
            }
        }));
        return command;
    }
}

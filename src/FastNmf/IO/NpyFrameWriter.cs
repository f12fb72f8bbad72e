using System.Buffers.Binary;
using System.Text;

namespace FastNmf.IO;

/// <summary>
/// Writes a 4-D .npy file (scan_rows, scan_cols, det_rows, det_cols) one frame at a time, as little-endian float32 or
/// uint16, so a data set larger than memory can be written. Data goes to <c>path.tmp</c>; <see cref="Complete"/>
/// renames it once every frame is in, so an interrupted run never leaves a plausible-looking file behind.
/// </summary>
public sealed class NpyFrameWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temp;
    private readonly FileStream _stream;
    private readonly bool _uint16;
    private readonly long _frames;
    private readonly int _frameLength;
    private readonly byte[] _buffer;
    private long _written;
    private bool _completed;

    /// <summary>Creates the temporary file and writes the header.</summary>
    /// <param name="path">Final file name.</param>
    /// <param name="shape">(scan_rows, scan_cols, det_rows, det_cols).</param>
    /// <param name="uint16">Store as uint16 (values must be integers in [0, 65535]) rather than float32.</param>
    public NpyFrameWriter(string path, ReadOnlySpan<int> shape, bool uint16)
    {
        if (shape.Length != 4 || shape[0] < 1 || shape[1] < 1 || shape[2] < 1 || shape[3] < 1)
        {
            throw new ArgumentException("a frame writer needs a 4-D shape of positive sizes.", nameof(shape));
        }

        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"{path}: the directory {directory} does not exist.");
        }

        _path = path;
        _temp = path + ".tmp";
        _uint16 = uint16;
        _frames = (long)shape[0] * shape[1];
        _frameLength = checked(shape[2] * shape[3]);
        _buffer = new byte[_frameLength * (uint16 ? 2 : 4)];
        string dict = $"{{'descr': '{(uint16 ? "<u2" : "<f4")}', 'fortran_order': False, 'shape': ({shape[0]}, {shape[1]}, {shape[2]}, {shape[3]}), }}";
        int unpadded = 10 + dict.Length + 1;
        int padded = (unpadded + 63) / 64 * 64;
        string header = dict + new string(' ', padded - unpadded) + "\n";
        _stream = new FileStream(_temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> preamble = stackalloc byte[10];
        // The magic is the byte 0x93 then ASCII "NUMPY" (a u8 string literal would encode U+0093 as two bytes).
        ReadOnlySpan<byte> magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];
        magic.CopyTo(preamble);
        preamble[6] = 1;
        preamble[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)header.Length);
        _stream.Write(preamble);
        _stream.Write(Encoding.ASCII.GetBytes(header));
    }

    /// <summary>Appends the next frame.</summary>
    /// <exception cref="ArgumentException">wrong frame length, or a value uint16 cannot hold exactly.</exception>
    /// <exception cref="InvalidOperationException">more frames than the shape holds.</exception>
    public void Append(ReadOnlySpan<float> frame)
    {
        if (frame.Length != _frameLength)
        {
            throw new ArgumentException($"a frame has {_frameLength} values, got {frame.Length}.", nameof(frame));
        }

        if (_written == _frames)
        {
            throw new InvalidOperationException($"all {_frames} frames have been written.");
        }

        for (int i = 0; i < frame.Length; i++)
        {
            float v = frame[i];
            if (_uint16)
            {
                if (!(v >= 0 && v <= ushort.MaxValue) || v != MathF.Round(v))
                {
                    throw new ArgumentException($"frame {_written}, pixel {i}: {v} is not an integer in [0, 65535]; write float32 instead.", nameof(frame));
                }

                BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(2 * i), (ushort)v);
            }
            else
            {
                BinaryPrimitives.WriteSingleLittleEndian(_buffer.AsSpan(4 * i), v);
            }
        }

        _stream.Write(_buffer);
        _written++;
    }

    /// <summary>Flushes and moves the file to its final name (replacing nothing the writer did not create: an existing
    /// file is an error).</summary>
    /// <exception cref="InvalidOperationException">fewer frames were written than the shape holds.</exception>
    public void Complete()
    {
        if (_written != _frames)
        {
            throw new InvalidOperationException($"{_written} of {_frames} frames written.");
        }

        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(_temp, _path, overwrite: false);
        _completed = true;
    }

    /// <summary>Closes the file; an incomplete one is deleted.</summary>
    public void Dispose()
    {
        _stream.Dispose();
        if (!_completed && File.Exists(_temp))
        {
            File.Delete(_temp);
        }
    }
}

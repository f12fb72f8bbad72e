using System.Globalization;
using System.Text;

namespace FastNmf.IO.Mib;

/// <summary>The comma-separated fields of a Merlin header, with their byte positions for error messages.</summary>
internal readonly ref struct MibFields
{
    private readonly ReadOnlySpan<byte> _bytes;
    private readonly string _path;
    private readonly long _offset;
    private readonly List<(int Start, int Length)> _fields;

    public MibFields(ReadOnlySpan<byte> bytes, string path, long offset)
    {
        _bytes = bytes;
        _path = path;
        _offset = offset;
        _fields = [];
        int start = 0;
        for (int i = 0; i <= bytes.Length; i++)
        {
            if (i == bytes.Length || bytes[i] == (byte)',')
            {
                _fields.Add((start, i - start));
                start = i + 1;
            }
        }
    }

    public int Count => _fields.Count;

    /// <summary>Where the counter depth was found (for messages), relative to the header.</summary>
    public int DepthStart => DepthIndex() is int i and >= 0 ? _fields[i].Start : 0;

    public int Start(int index) => _fields[index].Start;

    /// <summary>Field <paramref name="index"/> as text, without the padding (spaces, NULs) around it; empty if absent.</summary>
    public string Text(int index)
    {
        if (index >= _fields.Count)
        {
            return string.Empty;
        }

        (int start, int length) = _fields[index];
        return Encoding.Latin1.GetString(_bytes.Slice(start, length)).Trim(' ', '\0', '\t', '\r', '\n');
    }

    /// <summary>Field <paramref name="index"/> as a decimal integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="DataFormatException">missing, not a number, or out of range.</exception>
    public long Integer(int index, string what, long min, long max)
    {
        string text = Text(index);
        long at = _offset + (index < _fields.Count ? _fields[index].Start : _bytes.Length);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw new DataFormatException(_path, at, $"header field {index} ({what}) is '{MibHeader.Printable(text)}', not a number.");
        }

        if (value < min || value > max)
        {
            throw new DataFormatException(_path, at, $"header field {index} ({what}) is {value}, outside [{min}, {max}].");
        }

        return value;
    }

    /// <summary>The counter depth: third field after <c>MQ1A</c>, else the last numeric field; 0 if neither.</summary>
    public int CounterDepth()
    {
        int index = DepthIndex();
        return index >= 0 && int.TryParse(Text(index), NumberStyles.None, CultureInfo.InvariantCulture, out int depth) ? depth : 0;
    }

    private int DepthIndex()
    {
        for (int i = 8; i < _fields.Count; i++)
        {
            if (Text(i) == "MQ1A")
            {
                return i + 3 < _fields.Count ? i + 3 : -1;
            }
        }

        for (int i = _fields.Count - 1; i >= 8; i--)
        {
            string t = Text(i);
            if (t.Length > 0)
            {
                return int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? i : -1;
            }
        }

        return -1;
    }
}

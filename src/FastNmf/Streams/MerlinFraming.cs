using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace FastNmf.Streams;

/// <summary>
/// The message framing of Quantum Detectors' Merlin TCP ports: <c>MPX,</c>, a 10-digit decimal length, a comma, then
/// the payload. The length counts the comma after it plus the payload, so a payload is length − 1 bytes; the prefix
/// is always 15 bytes. Data-port payloads start <c>HDR,</c> (the acquisition header) or <c>MQ1,</c> (a frame: its
/// header as in a .mib file, then the pixels).
/// </summary>
internal static class MerlinFraming
{
    /// <summary>Bytes before every payload: <c>MPX,0000001234,</c>.</summary>
    public const int PrefixLength = 15;

    /// <summary>The largest payload accepted: a quad U32 frame is about 1 MiB; anything near this bound is not Merlin.</summary>
    public const int MaxPayload = 64 << 20;

    /// <summary>The payload length a prefix announces, or −1 when the bytes are not an MPX prefix.</summary>
    public static long PayloadLength(ReadOnlySpan<byte> prefix)
    {
        if (prefix.Length < PrefixLength || !prefix.StartsWith("MPX,"u8) || prefix[14] != (byte)',')
        {
            return -1;
        }

        ReadOnlySpan<byte> digits = prefix.Slice(4, 10);
        if (!Utf8Parser.TryParse(digits, out long length, out int used) || used != 10 || length < 1)
        {
            return -1;
        }

        return length - 1;
    }

    /// <summary>Writes the prefix of a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static void WritePrefix(Span<byte> destination, long payloadLength)
    {
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"MPX,{payloadLength + 1:D10},"), destination);
    }

    /// <summary>The first bytes of a payload or prefix as printable text, for messages.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var b = new StringBuilder(24);
        foreach (byte c in bytes[..Math.Min(bytes.Length, 20)])
        {
            b.Append(c is >= 0x20 and <= 0x7e ? (char)c : '?');
        }

        return b.ToString();
    }
}

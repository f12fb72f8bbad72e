using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using FastNmf.Native.Abi;

namespace FastNmf.Native.Errors;

/// <summary>The constant name of every status as static, pinned, NUL-terminated UTF-8 (for <c>fastnmf_status_name</c>).</summary>
internal static unsafe class StatusNames
{
    private static readonly byte[][] s_names = Enum.GetValues<Status>().Select(s => Utf8Z($"FASTNMF_STATUS_{Upper(s)}")).ToArray();
    private static readonly byte[] s_unknown = Utf8Z("unknown status");

    public static byte* Get(int status)
    {
        byte[] name = status >= 0 && status < s_names.Length ? s_names[status] : s_unknown;
        return (byte*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(name));
    }

    // NullPointer → NULL_POINTER.
    private static string Upper(Status status)
    {
        var sb = new StringBuilder();
        foreach (char c in status.ToString())
        {
            if (char.IsUpper(c) && sb.Length > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToUpperInvariant(c));
        }

        return sb.ToString();
    }

    private static byte[] Utf8Z(string text)
    {
        byte[] bytes = GC.AllocateArray<byte>(Encoding.UTF8.GetByteCount(text) + 1, pinned: true);
        Encoding.UTF8.GetBytes(text, bytes);
        return bytes;
    }
}

using System.Globalization;

namespace FastNmf.Kernels;

/// <summary>This core's data caches, for loop blocking only (never for anything that changes a result): read from
/// Linux's /sys/devices/system/cpu/cpu0/cache; where that is missing, the smallest of the machines we run on.</summary>
internal static class CacheSizes
{
    private static readonly long s_l2 = Read(2) ?? 512 * 1024;

    /// <summary>Bytes of the L2 cache of one core (512 KiB when unknown).</summary>
    public static long L2Bytes => s_l2;

    private static long? Read(int level)
    {
        try
        {
            foreach (string dir in Directory.EnumerateDirectories("/sys/devices/system/cpu/cpu0/cache", "index*"))
            {
                if (File.ReadAllText(Path.Combine(dir, "level")).Trim() != level.ToString(CultureInfo.InvariantCulture)
                    || File.ReadAllText(Path.Combine(dir, "type")).Trim() == "Instruction")
                {
                    continue;
                }

                string size = File.ReadAllText(Path.Combine(dir, "size")).Trim();
                long unit = size.EndsWith('K') ? 1024 : size.EndsWith('M') ? 1024 * 1024 : 1;
                return long.TryParse(size.TrimEnd('K', 'M'), NumberStyles.None, CultureInfo.InvariantCulture, out long n) && n > 0 ? n * unit : null;
            }
        }
        catch (IOException)
        {
            // No sysfs (not Linux, or a sandbox without it): the default.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }

        return null;
    }
}

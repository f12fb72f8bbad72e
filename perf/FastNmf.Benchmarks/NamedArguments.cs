namespace FastNmf.Benchmarks;

/// <summary>A perf mode's <c>--name value</c> pairs (the leading dashes dropped; a name without a value is ignored).</summary>
internal static class NamedArguments
{
    public static Dictionary<string, string> Parse(string[] args)
    {
        var named = new Dictionary<string, string>();
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            named[args[i].TrimStart('-')] = args[i + 1];
        }

        return named;
    }
}

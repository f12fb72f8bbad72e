using System.Text.Json;

namespace FastNmf.Cli.Output;

/// <summary>Named JSON arrays of numbers, the one shape every summary file repeats.</summary>
internal static class JsonArrays
{
    public static void Write(Utf8JsonWriter json, string name, IEnumerable<double> values)
    {
        json.WriteStartArray(name);
        foreach (double v in values)
        {
            json.WriteNumberValue(v);
        }

        json.WriteEndArray();
    }
}

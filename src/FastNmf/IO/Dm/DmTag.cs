namespace FastNmf.IO.Dm;

/// <summary>One entry of a DigitalMicrograph tag tree: a group of tags, or a data tag (<see cref="Data"/>).</summary>
/// <param name="Label">The tag's label; empty for the unnamed entries of lists (ImageList, Dimensions).</param>
/// <param name="Offset">Byte offset of the tag entry in the file, for messages.</param>
/// <param name="Children">The entries of a group, in file order; null for a data tag.</param>
/// <param name="Data">What a data tag holds; null for a group.</param>
internal sealed record DmTag(string Label, long Offset, IReadOnlyList<DmTag>? Children, DmData? Data)
{
    /// <summary>The first child labelled <paramref name="label"/>, or null.</summary>
    public DmTag? this[string label] => Children?.FirstOrDefault(c => c.Label == label);

    /// <summary>The tag at a path of labels below this one, or null.</summary>
    public DmTag? At(params string[] labels)
    {
        DmTag? tag = this;
        foreach (string l in labels)
        {
            tag = tag?[l];
        }

        return tag;
    }
}

namespace FastNmf.Analysis;

/// <summary>How well one true component was recovered.</summary>
/// <param name="Truth">Index of the true component.</param>
/// <param name="Name">Its name.</param>
/// <param name="Found">Index of the factorized component matched to it.</param>
/// <param name="DiffractionCosine">Cosine similarity (Eq. 9) of the found and true diffractions.</param>
/// <param name="ClearedCosine">Cosine after removing from both diffractions their least-squares share of the true
/// amorphous diffraction (NaN for the amorphous component itself): NMF legitimately mixes ring intensity into
/// crystalline components, which a plain cosine penalises.</param>
/// <param name="MapPearson">Pearson correlation of the found and true maps.</param>
public sealed record ComponentMatch(int Truth, string Name, int Found, double DiffractionCosine, double ClearedCosine, double MapPearson);

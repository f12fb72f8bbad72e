namespace FastNmf.IO.Dm;

/// <summary>
/// A data tag's encoding and where its value lies: <see cref="Type"/> is the first info word (a simple type code, 15
/// struct, 18 string, 20 array); arrays of simple types also give <see cref="ElementType"/> and <see cref="Count"/>.
/// Simple scalars are decoded into <see cref="Scalar"/>; everything else is left in the file.
/// </summary>
/// <param name="Type">Info word 0.</param>
/// <param name="ElementType">Element type of a simple array, else 0.</param>
/// <param name="Count">Elements of a simple array, else 1.</param>
/// <param name="DataOffset">Byte offset of the value in the file.</param>
/// <param name="DataBytes">Its length in bytes.</param>
/// <param name="Scalar">The value of a simple numeric tag, else null.</param>
internal sealed record DmData(long Type, long ElementType, long Count, long DataOffset, long DataBytes, double? Scalar);

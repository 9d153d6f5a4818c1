using System.Text;

namespace MedicalPortal.Core.Patients;

/// <summary>
/// Orders strings by Unicode code point, which is the byte order of UTF-8: the order SQLite's BINARY and
/// PostgreSQL's "C" collations use. Ordinal UTF-16 comparison differs for characters outside the BMP, and the
/// merge of shard results must agree with the databases exactly.
/// </summary>
public sealed class CodePointComparer : IComparer<string>
{
    public static CodePointComparer Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null)
        {
            return -1;
        }

        if (y is null)
        {
            return 1;
        }

        var left = x.EnumerateRunes();
        var right = y.EnumerateRunes();
        while (true)
        {
            var hasLeft = left.MoveNext();
            var hasRight = right.MoveNext();
            if (!hasLeft || !hasRight)
            {
                return hasLeft.CompareTo(hasRight);
            }

            var order = left.Current.Value.CompareTo(right.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }
}

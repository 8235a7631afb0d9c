using System.Runtime.InteropServices;

namespace Que2Engage.Training.Cache;

/// <summary>
/// One usable training impression in the cache, 12 bytes: the query's ordinal, the product's ordinal with the
/// engagement label in the top bit, and the ordinal of its session (a run of consecutive rows with one session id).
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
public readonly struct ImpressionRow(int query, int product, bool engaged, int session)
{
    private readonly int _query = query;
    private readonly int _productAndLabel = engaged ? product | int.MinValue : product;
    private readonly int _session = session;

    public int Query => _query;
    public int Product => _productAndLabel & int.MaxValue;
    public bool Engaged => _productAndLabel < 0;
    public int Session => _session;
}

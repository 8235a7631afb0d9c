namespace Que2Engage.Common;

/// <summary>
/// Reports synchronously on the calling thread (unlike <see cref="Progress{T}"/>, which posts to a synchronisation
/// context or the thread pool, so reports can arrive late and out of order).
/// </summary>
public sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

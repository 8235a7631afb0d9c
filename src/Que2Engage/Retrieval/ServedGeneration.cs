namespace Que2Engage.Retrieval;

/// <summary>
/// The generation a catalog index serves right now: its directory, its manifest and its in-memory
/// <see cref="CatalogState"/>, replaced together when a compaction switches to a new generation.
/// </summary>
internal sealed class ServedGeneration
{
    private volatile CatalogState _state;
    private volatile IndexManifest _manifest;

    public ServedGeneration(string directory, IndexManifest manifest, CatalogState state, FusionOptions? fusion)
    {
        Directory = directory;
        _manifest = manifest;
        _state = state;
        Fusion = fusion;
    }

    public string Directory { get; }
    public IndexManifest Manifest => _manifest;
    public CatalogState State => _state;
    /// <summary>The fusion settings every generation loaded for this index gets.</summary>
    public FusionOptions? Fusion { get; }

    /// <summary>The current state, entered for a search (<see cref="CatalogState.Exit"/> when done); retried when a compaction retires it meanwhile.</summary>
    public CatalogState Enter()
    {
        while (true)
        {
            var state = _state;
            if (state.TryEnter()) return state;
        }
    }

    /// <summary>Switches searches over to <paramref name="state"/> and its <paramref name="manifest"/>; returns the state it replaced.</summary>
    public CatalogState Replace(IndexManifest manifest, CatalogState state)
    {
        var old = _state;
        _state = state;
        _manifest = manifest;
        return old;
    }
}

using Que2Engage.Common;

namespace Que2Engage.Training;

/// <summary>
/// The order in which an endless stream visits N examples: epoch e is a permutation of 0..N−1 that is a pure
/// function of (seed, e), so the example at any stream position is known without replaying the stream (a checkpoint
/// records one number, and <c>--resume</c> continues exactly, mid-epoch).
/// <para>
/// Up to <see cref="DefaultWindow"/> examples the permutation is one Fisher–Yates shuffle of the whole epoch. Above
/// it, memory is bounded as tf.data's shuffle buffer and WebDataset's shard shuffling bound it: the examples are cut
/// into blocks of <see cref="DefaultBlock"/> consecutive examples, the blocks are shuffled, and each window of
/// consecutive shuffled blocks (<see cref="DefaultWindow"/> examples) is shuffled again as a whole. A batch then mixes
/// examples from hundreds of places in the log, reads them in 48 KB runs, and the sampler holds one window's
/// indices (4 MB) and the block order (4 bytes per block), whatever N is.
/// </para>
/// </summary>
public sealed class StreamOrder
{
    /// <summary>Examples shuffled together; above it the blocked order is used. 2^20 = 4 MB of indices.</summary>
    public const int DefaultWindow = 1 << 20;
    /// <summary>Consecutive examples that stay together before the window shuffle.</summary>
    public const int DefaultBlock = 1 << 12;

    private readonly long _seed;
    private readonly int _count, _window, _block;
    private long _cachedEpoch = -1;
    private int[] _blocks = [];
    private long[] _windowStart = [];
    private long _cachedWindowKey = -1;
    private int[] _windowExamples = [];

    public StreamOrder(long count, long seed, int window = DefaultWindow, int block = DefaultBlock)
    {
        if (count <= 0) throw new NoExamplesException();
        if (count > int.MaxValue) throw new InvalidInputException($"{count:N0} examples in one stream; at most {int.MaxValue:N0}");
        if (block <= 0 || window < block) throw new ArgumentOutOfRangeException(nameof(window), "the window must hold at least one block");
        _count = (int)count;
        _seed = seed;
        _window = window / block * block;
        _block = block;
    }

    public int Count => _count;

    /// <summary>The example index at stream position <paramref name="position"/> (≥ 0; positions run across epochs).</summary>
    public int this[long position]
    {
        get
        {
            long epoch = position / _count;
            int k = (int)(position % _count);
            if (_count <= _window)
            {
                // One shuffle of the whole epoch: exactly the order the in-memory sampler always had.
                if (epoch != _cachedEpoch)
                {
                    _windowExamples = Enumerable.Range(0, _count).ToArray();
                    var rng = SplitMix64.For(_seed, epoch + 1);
                    rng.Shuffle(_windowExamples);
                    _cachedEpoch = epoch;
                }
                return _windowExamples[k];
            }
            if (epoch != _cachedEpoch) StartEpoch(epoch);
            int w = Array.BinarySearch(_windowStart, k);
            if (w < 0) w = ~w - 1;
            long key = epoch * _windowStart.Length + w;
            if (key != _cachedWindowKey) LoadWindow(epoch, w);
            return _windowExamples[k - _windowStart[w]];
        }
    }

    private int BlockLength(int b) => (int)Math.Min(_block, _count - (long)b * _block);

    private void StartEpoch(long epoch)
    {
        int blocks = (int)((_count + (long)_block - 1) / _block);
        _blocks = Enumerable.Range(0, blocks).ToArray();
        var rng = SplitMix64.For(_seed ^ 0x0B10_C5ED, epoch + 1);
        rng.Shuffle(_blocks);
        int perWindow = _window / _block;
        int windows = (blocks + perWindow - 1) / perWindow;
        _windowStart = new long[windows];
        long at = 0;
        for (int w = 0; w < windows; w++)
        {
            _windowStart[w] = at;
            for (int b = w * perWindow; b < Math.Min(blocks, (w + 1) * perWindow); b++) at += BlockLength(_blocks[b]);
        }
        _cachedEpoch = epoch;
        _cachedWindowKey = -1;
    }

    private void LoadWindow(long epoch, int w)
    {
        int perWindow = _window / _block;
        long end = w + 1 < _windowStart.Length ? _windowStart[w + 1] : _count;
        var examples = _windowExamples.Length == end - _windowStart[w] ? _windowExamples : new int[end - _windowStart[w]];
        int n = 0;
        for (int b = w * perWindow; b < Math.Min(_blocks.Length, (w + 1) * perWindow); b++)
        {
            int first = _blocks[b] * _block, length = BlockLength(_blocks[b]);
            for (int i = 0; i < length; i++) examples[n++] = first + i;
        }
        var rng = SplitMix64.For(_seed ^ 0x5A1D_0B0F, (epoch + 1) * 1_000_003 + w);
        rng.Shuffle(examples);
        _windowExamples = examples;
        _cachedWindowKey = epoch * _windowStart.Length + w;
    }
}

/// <summary>A stream of examples was asked for over none (the trainer turns it into "only 0 usable training examples").</summary>
public sealed class NoExamplesException() : InvalidInputException("no training examples");

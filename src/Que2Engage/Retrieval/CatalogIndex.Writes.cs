using System.Threading.Channels;
using Que2Engage.Common;
using Que2Engage.Data;
using Que2Engage.Modeling;

namespace Que2Engage.Retrieval;

/// <summary>
/// Writes while serving. One writer loop owns the write-ahead log: it takes every queued upsert/delete (group
/// commit), appends them to <c>writes.wal</c> and fsyncs, applies them to the in-memory generation under its write
/// lock (HNSW insert or tombstone, Lucene updateDocument/deleteDocuments + near-real-time reopen) and only then
/// completes the callers' tasks: an acknowledged write is on disk and visible to the next search. Past a tombstone
/// threshold a compaction rebuilds the live listings into a new generation in the background; the loop then copies
/// the log records written meanwhile into it, renames it into place and switches searches over to it.
/// </summary>
public sealed partial class CatalogIndex
{
    private Channel<Pending>? _queue;
    private Task? _loop;
    private CatalogWriteLog? _log;
    private FileStream? _writerLock;
    private CatalogWriteOptions _writeOptions = new();
    private long _seq;
    private Task<string>? _compaction;
    private CancellationTokenSource? _compactionCancel;
    private long _compactionSeq;
    private readonly List<(long Seq, TaskCompletionSource Done)> _checkpointWaiters = new();
    private int _compactions;
    private Que2EngageException? _broken;

    /// <summary>True when opened with <see cref="OpenWritable"/>.</summary>
    public bool IsWritable => _queue is not null;
    /// <summary>Sequence number of the last acknowledged write.</summary>
    public long WriteSequence => Interlocked.Read(ref _seq);
    /// <summary>Compactions (checkpoints) completed since opening.</summary>
    public int Compactions => Volatile.Read(ref _compactions);
    /// <summary>Set when a background compaction failed (writes go on; the next threshold crossing retries).</summary>
    public string? LastCompactionError { get; private set; }

    private enum PendingKind { Write, Checkpoint, CompactionReady }

    private sealed class Pending(PendingKind kind, CatalogWrite? write = null)
    {
        public PendingKind Kind { get; } = kind;
        public CatalogWrite? Write { get; } = write;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// Opens an index for searching and writing: takes the index's writer lock (one writer per index), finishes an
    /// interrupted generation swap, replays the write-ahead log (dropping a torn, never-acknowledged tail) and starts
    /// the writer loop.
    /// </summary>
    public static CatalogIndex OpenWritable(string directory, CatalogWriteOptions? options = null, FusionOptions? fusion = null)
    {
        options ??= new CatalogWriteOptions();
        options.Validate();
        var full = Path.GetFullPath(directory);
        var writerLock = AcquireWriterLock(full);
        try
        {
            RecoverInterruptedSwap(full);
            DeleteStaleCheckpoints(full);
            var walPath = Path.Combine(full, IndexManifest.WriteLogFile);
            var (records, intact) = CatalogWriteLog.ReadAll(walPath);
            var (manifest, state) = LoadGeneration(full, writable: true, fusion);
            long seq;
            try { seq = Replay(state, records, manifest.WalSeq); }
            catch { state.Dispose(); throw; }
            var index = new CatalogIndex(full, manifest, state, fusion)
            {
                _writerLock = writerLock,
                _log = CatalogWriteLog.OpenForAppend(walPath, intact),
                _writeOptions = options,
                _seq = seq,
                _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true }),
            };
            index._loop = Task.Run(index.WriteLoop);
            return index;
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Repairs a damaged write-ahead log under the index's writer lock (no server may be writing it):
    /// <see cref="CatalogWriteLog.Repair"/> keeps every record it can prove good and keeps the damaged file beside it.
    /// </summary>
    public static WriteLogRepair RepairWriteLog(string directory)
    {
        var full = Path.GetFullPath(directory);
        IndexManifest.Read(full);
        using var writerLock = AcquireWriterLock(full);
        return CatalogWriteLog.Repair(Path.Combine(full, IndexManifest.WriteLogFile));
    }

    /// <summary>The product's embedding by <paramref name="model"/>, normalised and dimension-checked (done by the caller, before queueing).</summary>
    public float[] EmbedProduct(IEmbeddingModel model, Product product)
    {
        CheckModel(model);
        return EmbeddingChecks.Normalised(model.EmbedProducts([product])[0], Dimension, $"product '{product.ProductId}'", extra: model.ExtraCoordinates);
    }

    /// <summary>Adds or replaces a listing; completes once it is on disk and searchable. True when it replaced one.</summary>
    public Task<bool> UpsertAsync(CatalogEntry entry, float[] vector)
    {
        if (string.IsNullOrEmpty(entry.ProductId)) throw new InvalidInputException("product_id: must be a non-empty string");
        var normalised = EmbeddingChecks.Normalised(vector, Dimension, $"product '{entry.ProductId}'", extra: Manifest.ExtraCoordinates);
        return Enqueue(new Pending(PendingKind.Write, new CatalogWrite(0, CatalogOp.Upsert, entry.ProductId, entry, normalised)));
    }

    /// <summary>Deletes a listing; completes once the delete is on disk and searches no longer return it. False when it was absent.</summary>
    public Task<bool> DeleteAsync(string productId)
    {
        if (string.IsNullOrEmpty(productId)) throw new InvalidInputException("product_id: must be a non-empty string");
        return Enqueue(new Pending(PendingKind.Write, new CatalogWrite(0, CatalogOp.Delete, productId)));
    }

    /// <summary>Compacts now and folds the log into a new generation; completes when it is in place.</summary>
    public Task CheckpointAsync() => Enqueue(new Pending(PendingKind.Checkpoint));

    private Task<bool> Enqueue(Pending p)
    {
        if (_queue is null) throw new InvalidInputException($"{Directory}: the index was opened read-only; writes need a writable index.");
        if (!_queue.Writer.TryWrite(p)) throw new ObjectDisposedException(nameof(CatalogIndex), "the index is closed for writing");
        return p.Done.Task;
    }

    private async Task WriteLoop()
    {
        var reader = _queue!.Reader;
        var batch = new List<Pending>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < _writeOptions.MaxBatch && reader.TryRead(out var p)) batch.Add(p);
            var writes = batch.Where(p => p.Kind == PendingKind.Write).ToList();
            if (_broken is not null)
            {
                foreach (var w in writes) w.Done.TrySetException(_broken);
                writes.Clear();
            }
            try
            {
                if (writes.Count > 0) Commit(writes);
            }
            catch (Exception e)
            {
                // A write is logged but could not be applied: memory and log disagree, so refuse further writes
                // (a restart replays the log into a consistent state).
                _broken = new Que2EngageException($"{Directory}: the index stopped taking writes after an internal error: {e.Message}; restart to replay the log.", inner: e);
                foreach (var w in writes) w.Done.TrySetException(_broken);
            }
            foreach (var p in batch)
            {
                if (p.Kind == PendingKind.Checkpoint)
                {
                    var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    _ = done.Task.ContinueWith(t => { if (t.IsFaulted) p.Done.TrySetException(t.Exception!.InnerExceptions); else p.Done.TrySetResult(true); },
                        TaskScheduler.Default);
                    _checkpointWaiters.Add((_seq, done));
                }
                else if (p.Kind == PendingKind.CompactionReady) FinishCompaction();
            }
            MaybeStartCompaction();
        }
    }

    private void Commit(List<Pending> writes)
    {
        var records = new CatalogWrite[writes.Count];
        for (int i = 0; i < records.Length; i++) records[i] = writes[i].Write! with { Seq = _seq + 1 + i };
        try
        {
            _log!.Append(records);
        }
        catch (Exception e)
        {
            var error = new Que2EngageException($"{_log!.Path}: could not write the write-ahead log: {e.Message}", inner: e);
            foreach (var w in writes) w.Done.TrySetException(error);
            return;
        }
        var state = _state;
        var results = new bool[records.Length];
        state.Lock.EnterWriteLock();
        try
        {
            for (int i = 0; i < records.Length; i++) results[i] = state.Apply(records[i]);
        }
        finally
        {
            state.Lock.ExitWriteLock();
        }
        state.Lexical.Refresh();
        Interlocked.Exchange(ref _seq, records[^1].Seq);
        for (int i = 0; i < writes.Count; i++) writes[i].Done.TrySetResult(results[i]);
    }

    private void MaybeStartCompaction()
    {
        if (_compaction is not null) return;
        var state = _state;
        bool tombstones = state.Tombstones >= Math.Max(_writeOptions.CompactMinTombstones, _writeOptions.CompactTombstoneFraction * state.Entries.Count);
        bool logFull = _seq - Manifest.WalSeq >= _writeOptions.CheckpointLogRecords;
        if (!tombstones && !logFull && _checkpointWaiters.Count == 0) return;

        var entries = new List<CatalogEntry>(state.LiveCount);
        var vectors = new List<float[]>(state.LiveCount);
        state.Lock.EnterReadLock();
        try
        {
            foreach (int o in state.Live.Ordinals())
            {
                entries.Add(state.Entries[o]);
                vectors.Add(state.Vectors.GetVector(o).ToArray());
            }
        }
        finally
        {
            state.Lock.ExitReadLock();
        }
        _compactionSeq = _seq;
        _compactionCancel = new CancellationTokenSource();
        var token = _compactionCancel.Token;
        var template = state.Vectors;
        _compaction = Task.Run(() => WriteGeneration(Directory, template, entries, vectors, token), token);
        _compaction.ContinueWith(_ => _queue!.Writer.TryWrite(new Pending(PendingKind.CompactionReady)), TaskScheduler.Default);
    }

    /// <summary>Builds the compacted generation (vectors re-inserted in ordinal order, lexical and records rewritten) in a temp sibling.</summary>
    private static string WriteGeneration(string target, IVectorIndex template, List<CatalogEntry> entries,
        List<float[]> vectors, CancellationToken token)
    {
        var temp = StagingDirectory.Create(target, "checkpoint");
        try
        {
            var index = template.CreateEmpty(Math.Max(1, vectors.Count));
            for (int i = 0; i < vectors.Count; i++)
            {
                if ((i & 255) == 0) token.ThrowIfCancellationRequested();
                index.Add(vectors[i]);
            }
            index.Save(Path.Combine(temp, IndexManifest.VectorsFile));
            token.ThrowIfCancellationRequested();
            LexicalIndex.Write(Path.Combine(temp, IndexManifest.LexicalDirectory), entries.Select((e, i) => (i, e)));
            ProductStore.Write(Path.Combine(temp, IndexManifest.ProductsFile), entries);
            return temp;
        }
        catch
        {
            StagingDirectory.TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// In the writer loop (writes paused): copy the log records written since the snapshot into the new generation,
    /// write its manifest (the commit mark), rename it into place, load it with that log tail and switch over.
    /// </summary>
    private void FinishCompaction()
    {
        var task = _compaction;
        if (task is null || !task.IsCompleted) return;
        _compaction = null;
        _compactionCancel?.Dispose();
        _compactionCancel = null;
        if (!task.IsCompletedSuccessfully)
        {
            LastCompactionError = task.Exception?.GetBaseException().Message ?? "cancelled";
            FailCheckpointWaiters(new Que2EngageException($"{Directory}: compaction failed: {LastCompactionError}"));
            return;
        }
        var temp = task.Result;
        var walPath = Path.Combine(Directory, IndexManifest.WriteLogFile);
        bool swapped = false;
        try
        {
            var (records, _) = CatalogWriteLog.ReadAll(walPath);
            var tail = records.Where(r => r.Seq > _compactionSeq).ToList();
            using (var tailLog = CatalogWriteLog.OpenForAppend(Path.Combine(temp, IndexManifest.WriteLogFile), 0))
                if (tail.Count > 0) tailLog.Append(tail);
            var snapshotCount = (int)IndexManifest.ReadProductsCount(temp);
            var manifest = Manifest with
            {
                UpdatedUtc = DateTime.UtcNow,
                Products = snapshotCount,
                WalSeq = _compactionSeq,
                FilterFields = true,
            };
            manifest.Write(temp);
            _log!.Dispose();
            _log = null;
            StagingDirectory.Publish(temp, Directory);
            swapped = true;
            var (all, intact) = CatalogWriteLog.ReadAll(walPath);
            var (loaded, state) = LoadGeneration(Directory, writable: true, _fusion);
            Replay(state, all, loaded.WalSeq);
            _log = CatalogWriteLog.OpenForAppend(walPath, intact);
            var old = _state;
            _state = state;
            Manifest = loaded;
            old.Retire();
            Interlocked.Increment(ref _compactions);
            LastCompactionError = null;
            for (int i = _checkpointWaiters.Count - 1; i >= 0; i--)
            {
                if (_checkpointWaiters[i].Seq > _compactionSeq) continue;
                _checkpointWaiters[i].Done.TrySetResult();
                _checkpointWaiters.RemoveAt(i);
            }
        }
        catch (Exception e)
        {
            LastCompactionError = e.Message;
            if (!swapped) StagingDirectory.TryDelete(temp);
            // Keep serving the current state; its contents equal whichever generation is now on disk plus that one's log.
            if (_log is null)
            {
                var (_, intact) = CatalogWriteLog.ReadAll(walPath);
                _log = CatalogWriteLog.OpenForAppend(walPath, intact);
            }
            FailCheckpointWaiters(new Que2EngageException($"{Directory}: compaction failed: {e.Message}", inner: e));
        }
    }

    private void FailCheckpointWaiters(Exception e)
    {
        foreach (var (_, done) in _checkpointWaiters) done.TrySetException(e);
        _checkpointWaiters.Clear();
    }

    /// <summary>Stops the writer loop after the queued writes, abandons a running compaction and releases the writer lock.</summary>
    private void StopWriting()
    {
        if (_queue is null) return;
        _queue.Writer.TryComplete();
        try { _loop?.GetAwaiter().GetResult(); }
        finally
        {
            if (_compaction is { } c)
            {
                _compactionCancel?.Cancel();
                try { var temp = c.GetAwaiter().GetResult(); StagingDirectory.TryDelete(temp); }
                catch (Exception) { /* cancelled or failed: its temp folder is already deleted */ }
            }
            FailCheckpointWaiters(new ObjectDisposedException(nameof(CatalogIndex)));
            _log?.Dispose();
            _writerLock?.Dispose();
            _queue = null;
        }
    }

    private static string WriterLockPath(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? ".", $".{Path.GetFileName(target)}.writer.lock");

    /// <summary>One writer per index (a server, or an offline upsert/delete): an exclusive lock file beside it, released by the OS if the process dies.</summary>
    private static FileStream AcquireWriterLock(string target)
    {
        if (!System.IO.Directory.Exists(target) && !System.IO.Directory.Exists(Path.GetDirectoryName(target)))
            throw new InvalidInputException($"{target}: the index directory does not exist.");
        try
        {
            return new FileStream(WriterLockPath(target), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new InvalidInputException($"{target}: another process (a server, or an offline upsert or delete) is writing this index: {e.Message}", e);
        }
    }

    /// <summary>
    /// A crash between the two renames of <see cref="StagingDirectory.Publish"/> leaves no index at <paramref name="target"/>: put back
    /// the new generation if it was complete (it has its manifest), else the old one.
    /// </summary>
    private static void RecoverInterruptedSwap(string target)
    {
        if (System.IO.Directory.Exists(target)) return;
        var parent = Path.GetDirectoryName(target);
        if (parent is null || !System.IO.Directory.Exists(parent)) return;
        var name = Path.GetFileName(target);
        string? Newest(string what) => System.IO.Directory.EnumerateDirectories(parent, $".{name}.{what}-*")
            .Where(d => File.Exists(Path.Combine(d, IndexManifest.FileName)))
            .OrderByDescending(System.IO.Directory.GetLastWriteTimeUtc).FirstOrDefault();
        var restore = Newest("checkpoint") ?? Newest("appending") ?? Newest("building") ?? Newest("old");
        if (restore is not null) System.IO.Directory.Move(restore, target);
    }

    private static void DeleteStaleCheckpoints(string target)
    {
        var parent = Path.GetDirectoryName(target)!;
        foreach (var d in System.IO.Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.checkpoint-*")) StagingDirectory.TryDelete(d);
        foreach (var d in System.IO.Directory.EnumerateDirectories(parent, $".{Path.GetFileName(target)}.old-*")) StagingDirectory.TryDelete(d);
    }
}

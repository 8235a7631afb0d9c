using System.Threading.Channels;
using Que2Engage.Common;

namespace Que2Engage.Retrieval;

/// <summary>
/// Writes a catalog index while it serves. One writer loop owns the write-ahead log: it takes every queued
/// upsert/delete (group commit), appends them to <c>writes.wal</c> and fsyncs, applies them to the in-memory generation
/// under its write lock (vector insert or tombstone, Lucene updateDocument/deleteDocuments + near-real-time reopen) and
/// only then completes the callers' tasks: an acknowledged write is on disk and visible to the next search. Past a
/// tombstone threshold a compaction rebuilds the live listings into a new generation in the background
/// (<see cref="CatalogBuilder.WriteCompacted"/>); the loop then copies the log records written meanwhile into it,
/// renames it into place and switches searches over to it. Holds the index's writer lock until stopped.
/// </summary>
internal sealed class CatalogWriter
{
    private readonly ServedGeneration _generation;
    private readonly FileStream _writerLock;
    private readonly CatalogWriteOptions _options;
    private Channel<Pending>? _queue;
    private Task? _loop;
    private CatalogWriteLog? _log;
    private long _seq;
    private Task<string>? _compaction;
    private CancellationTokenSource? _compactionCancel;
    private long _compactionSeq;
    private readonly List<(long Seq, TaskCompletionSource Done)> _checkpointWaiters = new();
    private int _compactions;
    private Que2EngageException? _broken;

    private CatalogWriter(ServedGeneration generation, FileStream writerLock, CatalogWriteLog log, CatalogWriteOptions options, long seq)
    {
        _generation = generation;
        _writerLock = writerLock;
        _log = log;
        _options = options;
        _seq = seq;
        _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    }

    /// <summary>The generation this writer writes to (and replaces when it compacts).</summary>
    public ServedGeneration Generation => _generation;
    /// <summary>True until <see cref="Stop"/> has run.</summary>
    public bool IsOpen => _queue is not null;
    /// <summary>Sequence number of the last acknowledged write.</summary>
    public long WriteSequence => Interlocked.Read(ref _seq);
    /// <summary>Compactions (checkpoints) completed since opening.</summary>
    public int Compactions => Volatile.Read(ref _compactions);
    /// <summary>Set when a background compaction failed (writes go on; the next threshold crossing retries).</summary>
    public string? LastCompactionError { get; private set; }

    private string Directory => _generation.Directory;

    private enum PendingKind { Write, Checkpoint, CompactionReady }

    private sealed class Pending(PendingKind kind, CatalogWrite? write = null)
    {
        public PendingKind Kind { get; } = kind;
        public CatalogWrite? Write { get; } = write;
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>See <see cref="CatalogIndex.OpenWritable"/>.</summary>
    public static CatalogWriter Open(string directory, CatalogWriteOptions? options, FusionOptions? fusion)
    {
        options ??= new CatalogWriteOptions();
        options.Validate();
        var full = Path.GetFullPath(directory);
        var writerLock = CatalogDirectory.AcquireWriterLock(full);
        try
        {
            CatalogDirectory.RecoverInterruptedSwap(full);
            CatalogDirectory.DeleteStaleCheckpoints(full);
            var walPath = Path.Combine(full, IndexManifest.WriteLogFile);
            var (records, intact) = CatalogWriteLog.ReadAll(walPath);
            var (manifest, state) = CatalogLoader.Load(full, writable: true, fusion);
            long seq;
            try { seq = CatalogLoader.Replay(state, records, manifest.WalSeq); }
            catch { state.Dispose(); throw; }
            var writer = new CatalogWriter(new ServedGeneration(full, manifest, state, fusion), writerLock,
                CatalogWriteLog.OpenForAppend(walPath, intact), options, seq);
            writer._loop = Task.Run(writer.WriteLoop);
            return writer;
        }
        catch
        {
            writerLock.Dispose();
            throw;
        }
    }

    /// <summary>See <see cref="CatalogIndex.RepairWriteLog"/>.</summary>
    public static WriteLogRepair RepairLog(string directory)
    {
        var full = Path.GetFullPath(directory);
        IndexManifest.Read(full);
        using var writerLock = CatalogDirectory.AcquireWriterLock(full);
        return CatalogWriteLog.Repair(Path.Combine(full, IndexManifest.WriteLogFile));
    }

    /// <summary>Queues an upsert of a checked listing and its normalised vector; see <see cref="CatalogIndex.UpsertAsync"/>.</summary>
    public Task<bool> UpsertAsync(CatalogEntry entry, float[] normalisedVector) =>
        Enqueue(new Pending(PendingKind.Write, new CatalogWrite(0, CatalogOp.Upsert, entry.ProductId, entry, normalisedVector)));

    /// <summary>Queues a delete; see <see cref="CatalogIndex.DeleteAsync"/>.</summary>
    public Task<bool> DeleteAsync(string productId) => Enqueue(new Pending(PendingKind.Write, new CatalogWrite(0, CatalogOp.Delete, productId)));

    /// <summary>Queues a checkpoint; see <see cref="CatalogIndex.CheckpointAsync"/>.</summary>
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
            while (batch.Count < _options.MaxBatch && reader.TryRead(out var p)) batch.Add(p);
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
        var state = _generation.State;
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
        var state = _generation.State;
        bool tombstones = state.Tombstones >= Math.Max(_options.CompactMinTombstones, _options.CompactTombstoneFraction * state.Entries.Count);
        bool logFull = _seq - _generation.Manifest.WalSeq >= _options.CheckpointLogRecords;
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
        _compaction = Task.Run(() => CatalogBuilder.WriteCompacted(Directory, template, entries, vectors, token), token);
        _compaction.ContinueWith(_ => _queue!.Writer.TryWrite(new Pending(PendingKind.CompactionReady)), TaskScheduler.Default);
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
            var manifest = _generation.Manifest with
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
            var (loaded, state) = CatalogLoader.Load(Directory, writable: true, _generation.Fusion);
            CatalogLoader.Replay(state, all, loaded.WalSeq);
            _log = CatalogWriteLog.OpenForAppend(walPath, intact);
            _generation.Replace(loaded, state).Retire();
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
    public void Stop()
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
            _writerLock.Dispose();
            _queue = null;
        }
    }
}

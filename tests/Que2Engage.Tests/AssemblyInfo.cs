// TorchSharp keeps process-wide state (the global RNG that dropout and modality dropout draw from, the thread
// count); tests that train or compare runs bit-for-bit (e.g. resume equivalence) must not interleave with other
// TorchSharp tests, so the suite runs its test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

#!/usr/bin/python3
"""Reference numbers for `que2engage bench index`: hnswlib (Debian python3-hnswlib 0.6.2) on the very same vectors.

Reads base.npy, queries.npy and gt.npy (exact top-k ids) written by the C# benchmark, builds an hnswlib index with
the same M / efConstruction on one thread, and prints recall@k and single-thread QPS for each ef. QPS is reported per wall-clock second and per
second of process CPU time (the stable figure on a shared machine). Queries go one at
a time (knn_query on a 1-row array, num_threads=1), like the C# loop, and also as one batched call (hnswlib's
fastest path, no per-call Python overhead) so both are visible.

    apt-get install -y python3-hnswlib python3-numpy
    /usr/bin/python3 bench/hnswlib_compare.py --dir bench/out --m 16 --ef-construction 200 --ef 10,20,40,80,160
"""
import argparse
import json
import os
import time

import hnswlib
import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default="bench/out")
    ap.add_argument("--m", type=int, default=16)
    ap.add_argument("--ef-construction", type=int, default=200)
    ap.add_argument("--ef", default="10,20,40,80,160")
    ap.add_argument("--seed", type=int, default=42)
    a = ap.parse_args()

    base = np.load(os.path.join(a.dir, "base.npy"))
    queries = np.load(os.path.join(a.dir, "queries.npy"))
    gt = np.load(os.path.join(a.dir, "gt.npy"))
    n, dim = base.shape
    k = gt.shape[1]
    print(f"hnswlib {getattr(hnswlib, '__version__', '?')}: {n} x {dim} base, {len(queries)} queries, k {k}")

    index = hnswlib.Index(space="ip", dim=dim)
    index.init_index(max_elements=n, ef_construction=a.ef_construction, M=a.m, random_seed=a.seed)
    index.set_num_threads(1)
    t0 = time.perf_counter()
    index.add_items(base, np.arange(n), num_threads=1)
    build = time.perf_counter() - t0
    print(f"build (M {a.m}, efConstruction {a.ef_construction}, 1 thread): {build:.1f} s")

    rows = []
    for ef in [int(x) for x in a.ef.split(",")]:
        index.set_ef(ef)
        index.knn_query(queries[:100], k=k, num_threads=1)  # warm-up
        lat = []
        found = 0
        t_all = time.perf_counter()
        c_all = time.process_time()
        for i in range(len(queries)):
            t = time.perf_counter()
            labels, _ = index.knn_query(queries[i:i + 1], k=k, num_threads=1)
            lat.append((time.perf_counter() - t) * 1e6)
            found += len(set(labels[0].tolist()) & set(gt[i].tolist()))
        single = len(queries) / (time.perf_counter() - t_all)
        single_cpu = len(queries) / (time.process_time() - c_all)
        t = time.perf_counter()
        c = time.process_time()
        labels, _ = index.knn_query(queries, k=k, num_threads=1)
        batched = len(queries) / (time.perf_counter() - t)
        batched_cpu = len(queries) / (time.process_time() - c)
        recall = found / (len(queries) * k)
        lat.sort()
        row = dict(ef=ef, recall=recall, qps_one_by_one=single, qps_batched=batched,
                   qps_one_by_one_cpu=single_cpu, qps_batched_cpu=batched_cpu,
                   mean_us=sum(lat) / len(lat), p99_us=lat[min(len(lat) - 1, int(np.ceil(0.99 * len(lat))) - 1)])
        rows.append(row)
        print(f"ef {ef:5d}: recall@{k} {recall:.4f}  {single:9.0f} QPS one-by-one ({single_cpu:.0f}/CPU-s)  "
              f"{batched:9.0f} QPS batched ({batched_cpu:.0f}/CPU-s)  "
              f"mean {row['mean_us']:.1f} us  p99 {row['p99_us']:.1f} us")
    with open(os.path.join(a.dir, "hnswlib.json"), "w") as f:
        json.dump(dict(build_seconds=build, rows=rows), f, indent=2)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""PyTorch reference of `que2engage bench train`: the same towers, loss, optimizer and synthetic data, timed the same way.

Mirrors src/Que2Engage (Modeling/, Training/Trainer.cs, Training/Losses/, Training/TrainingBenchmark.cs):
- data: a random catalogue of 3,000 products (6-word titles, 40-word descriptions over a 4,000-word vocabulary,
  0-4 images of dim 64, random context fields) and 3,000 sessions of 10 impressions (1-4 word queries, 1 in 4
  engaged); the hashing subword tokenizer (word + 4-character "##" pieces, [CLS]=1 ... [SEP]=2, 0 = [PAD]) and
  character-trigram hashing with the same budgets (hash values differ: CRC32 instead of the project's hash, which
  changes which bucket a string lands in but not one shape or FLOP); queries padded to the batch's longest,
  documents to the budget, trigram bags to the batch's widest (ids + 1, 0 = padding);
- model: QueryTower, Que2EngageDocumentTower (K = 0) or Que2SearchDocumentTower, post-norm GELU
  nn.TransformerEncoder run sequence-first with key-padding masks, mean EmbeddingBag, L2-normalised outputs;
- loss: multitask (plain in-batch softmax over shown pairs, lambda1 0.8, lambda2 0.2, BCE with a learnable bias) or
  contrastive, with the same-query / same-product collision masks;
- optimizer: Adam, two parameter groups (the engagement bias at lr x100), no warm-up (the bench sets WarmupSteps 0);
  torch.manual_seed per step as the trainer does.
Timing: the first step (warm-up) and the last (the C# trainer writes its final checkpoint there) are not timed.
Per-phase profile: data (sampling + featurising, cached per query/product), forward (tensorising, both towers,
masks, loss and its .item()), backward, optimizer (zero_grad + step), other.

Run with Debian's interpreter and python3-torch (apt-get install -y python3-torch):
  /usr/bin/python3 bench/torch_reference.py --preset small --threads 2 --steps 20
The last line is `RESULT {json}` for `que2engage bench train --peer torch`.
"""
import argparse
import json
import math
import os
import random
import statistics
import sys
import time
import zlib

# The project sets the same OpenMP wait policy before libtorch loads (Modeling/TorchRuntime.cs): compare like with like.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _threads_flag():
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            return sys.argv[i + 1]
        if a.startswith("--threads="):
            return a.split("=", 1)[1]
    return "0"


# Debian's torch calls the system BLAS (libblas.so.3: OpenBLAS once libopenblas0-pthread is installed, else the slow
# reference BLAS), whose thread pool torch.set_num_threads does not size: give it the same count, before it loads.
if _threads_flag().isdigit() and int(_threads_flag()) > 0:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", _threads_flag())

import torch  # noqa: E402
from torch import nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

IMAGE_DIM = 64
CONTEXT_DIM = 14
PAD, CLS, SEP, FIRST_REGULAR = 0, 1, 2, 3
PIECE_LENGTH = 4
MAX_TRIGRAMS = 96


def preset(name):
    small = dict(d=128, heads=4, ffn=512, query_layers=2, text_layers=0, fusion_layers=2, q2s_text_layers=2, dim=128,
                 dropout=0.0, query_tokens=20, doc_tokens=48, max_images=4, vocab=16384, buckets=16384, batch=256,
                 lr=1e-3, scale=20.0)
    if name == "small":
        return small
    if name == "paper":
        return dict(small, d=768, heads=12, ffn=3072, query_layers=2, text_layers=0, fusion_layers=6, q2s_text_layers=2,
                    dim=256, batch=512, lr=4e-4, dropout=0.1, query_tokens=32, doc_tokens=64, vocab=65536,
                    buckets=65536)
    raise SystemExit(f"error: unknown preset '{name}' (known: small, paper)")


# ---------------------------------------------------------------- data (TrainingBenchmark.SyntheticWorld, Featurizer)

def synthetic_world(seed, products=3000, sessions=3000):
    rng = random.Random(seed)

    def word():
        return "".join(chr(ord("a") + rng.randrange(26)) for _ in range(3 + rng.randrange(6)))

    vocab = [word() for _ in range(4000)]

    def text(n):
        return " ".join(vocab[rng.randrange(len(vocab))] for _ in range(n))

    catalogue = []
    for i in range(products):
        images = rng.randrange(5)
        catalogue.append(dict(
            id=f"p{i}", title=text(6), description=text(40), category=f"c{rng.randrange(20)}",
            price=1 + rng.randrange(1000), condition=rng.randrange(5), seller_rating=rng.randrange(6),
            seller_rating_count=rng.randrange(100), photo_count=images, age=rng.randrange(60),
            distance=rng.randrange(50),
            images=[[(rng.randrange(2001) - 1000) / 1000.0 for _ in range(IMAGE_DIM)] for _ in range(images)]))
    shown = []
    for s in range(sessions):
        query = text(1 + rng.randrange(4))
        for _ in range(10):
            shown.append((query, f"p{rng.randrange(products)}", rng.randrange(4) == 0))
    return catalogue, shown


def bucket(s, n):
    return zlib.crc32(s.encode("utf-8")) % n


def encode(text, max_len, vocab):
    """HashingSubwordTokenizer.Encode: [CLS] word ##piece ... [SEP], zero-padded to max_len."""
    ids = [PAD] * max_len
    ids[0] = CLS
    n, room = 1, max_len - 1
    for w in text.split():
        pieces = [w] + (["##" + w[i:i + PIECE_LENGTH] for i in range(0, len(w), PIECE_LENGTH)]
                        if len(w) > PIECE_LENGTH else [])
        for p in pieces:
            if n >= room:
                break
            ids[n] = FIRST_REGULAR + bucket(p, vocab - FIRST_REGULAR)
            n += 1
        if n >= room:
            break
    ids[n] = SEP
    return ids


def trigrams(text, buckets):
    """CharTrigramHasher.Hash: trigrams of #word#, at most MAX_TRIGRAMS."""
    ids = []
    for w in text.split():
        padded = "#" + w + "#"
        for i in range(len(padded) - 2):
            if len(ids) >= MAX_TRIGRAMS:
                return ids
            ids.append(bucket(padded[i:i + 3], buckets))
    return ids


class Featurizer:
    def __init__(self, cfg, catalogue):
        self.cfg = cfg
        prices = {}
        for p in catalogue:
            prices.setdefault(p["category"], []).append(p["price"])
        self.median = {c: statistics.median(v) for c, v in prices.items()}

    def query(self, q):
        return encode(q, self.cfg["query_tokens"], self.cfg["vocab"]), trigrams(q, self.cfg["buckets"])

    def product(self, p):
        c = [0.0] * CONTEXT_DIM
        c[0] = math.log1p(p["price"])
        c[1] = math.log1p(p["price"]) - math.log1p(self.median[p["category"]])
        c[2 + p["condition"]] = 1.0
        c[7] = min(max(p["seller_rating"], 0), 5) / 5.0
        c[9] = math.log1p(p["seller_rating_count"])
        c[10] = math.log1p(p["photo_count"])
        c[11] = math.log1p(p["age"])
        c[12] = math.log1p(p["distance"])
        text = p["title"] + " \n " + p["description"]
        return (encode(text, self.cfg["doc_tokens"], self.cfg["vocab"]), trigrams(p["title"], self.cfg["buckets"]), c,
                p["images"][:self.cfg["max_images"]])

    @staticmethod
    def bags(rows):
        width = max(1, max(len(r) for r in rows))
        return torch.tensor([[i + 1 for i in r] + [0] * (width - len(r)) for r in rows], dtype=torch.int64)

    def query_tensors(self, batch):
        longest = 1
        for toks, _ in batch:
            n = len(toks)
            while n > 0 and toks[n - 1] == PAD:
                n -= 1
            longest = max(longest, n)
        width = min(self.cfg["query_tokens"], longest)
        return (torch.tensor([t[:width] for t, _ in batch], dtype=torch.int64), self.bags([g for _, g in batch]))

    def doc_tensors(self, batch):
        b, mi = len(batch), self.cfg["max_images"]
        images = torch.zeros(b, mi, IMAGE_DIM)
        mask = torch.zeros(b, mi, dtype=torch.bool)
        for i, (_, _, _, imgs) in enumerate(batch):
            if imgs:
                images[i, :len(imgs)] = torch.tensor(imgs)
                mask[i, :len(imgs)] = True
        return (torch.tensor([t for t, _, _, _ in batch], dtype=torch.int64), self.bags([g for _, g, _, _ in batch]),
                images, mask, torch.tensor([c for _, _, c, _ in batch], dtype=torch.float32))


# ---------------------------------------------------------------- model (src/Que2Engage/Modeling)

# --optimizer lazy-adam: the token and trigram tables get sparse gradients (the C# side's SparseEmbeddingGradients).
SPARSE_TABLES = False


class TokenSequenceEmbedding(nn.Module):
    def __init__(self, vocab, max_len, d):
        super().__init__()
        self.tokens = nn.Embedding(vocab, d, padding_idx=0, sparse=SPARSE_TABLES)
        self.positions = nn.Embedding(max_len, d)
        self.norm = nn.LayerNorm(d)
        with torch.no_grad():
            nn.init.normal_(self.tokens.weight, 0, 0.02)
            nn.init.normal_(self.positions.weight, 0, 0.02)
            self.tokens.weight[0].zero_()

    def forward(self, ids):
        pos = torch.arange(ids.shape[1], dtype=torch.int64)
        return self.norm(self.tokens(ids) + self.positions(pos).unsqueeze(0))


class TransformerStack(nn.Module):
    """TorchSharp's nn.TransformerEncoderLayer(d, heads, ffn, dropout, GELU): post-norm, sequence-first."""

    def __init__(self, d, heads, ffn, layers, dropout):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d, heads, ffn, dropout, activation="gelu")
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)

    def forward(self, x, key_padding_mask):
        return self.encoder(x.transpose(0, 1), src_key_padding_mask=key_padding_mask).transpose(0, 1)


class TrigramBag(nn.Module):
    def __init__(self, buckets, d):
        super().__init__()
        self.bag = nn.EmbeddingBag(buckets + 1, d, mode="mean", padding_idx=0, sparse=SPARSE_TABLES)
        with torch.no_grad():
            nn.init.normal_(self.bag.weight, 0, 0.02)
            self.bag.weight[0].zero_()

    def forward(self, ids):
        return self.bag(ids)


def mlp(a, b, c):
    return nn.Sequential(nn.Linear(a, b), nn.GELU(), nn.Linear(b, c))


class QueryTower(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.embed = TokenSequenceEmbedding(c["vocab"], c["query_tokens"], c["d"])
        self.encoder = TransformerStack(c["d"], c["heads"], c["ffn"], c["query_layers"], c["dropout"])
        self.trigrams = TrigramBag(c["buckets"], c["d"])
        self.head = mlp(2 * c["d"], c["d"], c["dim"])

    def forward(self, tokens, tris):
        cls = self.encoder(self.embed(tokens), tokens.eq(0)).select(1, 0)
        return F.normalize(self.head(torch.cat([cls, self.trigrams(tris)], 1)), p=2, dim=1)


class ImageSetEncoder(nn.Module):
    def __init__(self, image_dim, d):
        super().__init__()
        self.mlp = mlp(max(1, image_dim), d, d)

    def forward(self, images, mask):
        h = self.mlp(images)
        m = mask.float().unsqueeze(-1)
        return (h * m).sum(1) / m.sum(1).clamp_min(1.0)


class ContextEncoder(nn.Module):
    def __init__(self, features, d):
        super().__init__()
        self.norm = nn.BatchNorm1d(features)
        self.mlp = mlp(features, d, d)

    def forward(self, x):
        return self.mlp(self.norm(x))


class Que2EngageDocumentTower(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d"]
        self.embed = TokenSequenceEmbedding(c["vocab"], c["doc_tokens"], d)
        self.text_encoder = (TransformerStack(d, c["heads"], c["ffn"], c["text_layers"], c["dropout"])
                             if c["text_layers"] > 0 else None)
        self.images = ImageSetEncoder(IMAGE_DIM, d)
        self.context = ContextEncoder(CONTEXT_DIM, d)
        self.image_norm = nn.LayerNorm(d)
        self.context_norm = nn.LayerNorm(d)
        self.cls = nn.Parameter(torch.randn(1, 1, d))
        self.modality_types = nn.Embedding(4, d)
        with torch.no_grad():
            nn.init.normal_(self.modality_types.weight, 0, 0.02)
        self.fusion = TransformerStack(d, c["heads"], c["ffn"], c["fusion_layers"], c["dropout"])
        self.projection = nn.Linear(d, c["dim"])

    def forward(self, tokens, _title_trigrams, images, image_mask, context):
        b, length = tokens.shape
        text_padding = tokens.eq(0)
        text = self.embed(tokens)
        if self.text_encoder is not None:
            text = self.text_encoder(text, text_padding)
        image_token = self.image_norm(self.images(images, image_mask)).unsqueeze(1)
        context_token = self.context_norm(self.context(context)).unsqueeze(1)
        no_image = image_mask.any(1).logical_not().unsqueeze(1)
        no_context = torch.zeros(b, 1, dtype=torch.bool)
        seq = torch.cat([self.cls.expand(b, 1, -1), text, image_token, context_token], 1)
        type_ids = torch.cat([torch.full((1,), 0, dtype=torch.int64), torch.full((length,), 1, dtype=torch.int64),
                              torch.full((1,), 2, dtype=torch.int64), torch.full((1,), 3, dtype=torch.int64)])
        seq = seq + self.modality_types(type_ids).unsqueeze(0)
        mask = torch.cat([torch.zeros(b, 1, dtype=torch.bool), text_padding, no_image, no_context], 1)
        fused = self.fusion(seq, mask).select(1, 0)
        return F.normalize(self.projection(fused), p=2, dim=1)


class AttentionFusion(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.hidden = nn.Linear(d, d)
        self.score = nn.Linear(d, 1)

    def forward(self, vectors, present):
        s = self.score(torch.tanh(self.hidden(vectors))).squeeze(-1)
        s = s.masked_fill(present.logical_not(), float("-inf"))
        return (F.softmax(s, 1).unsqueeze(-1) * vectors).sum(1)


class Que2SearchDocumentTower(nn.Module):
    def __init__(self, c):
        super().__init__()
        d = c["d"]
        self.embed = TokenSequenceEmbedding(c["vocab"], c["doc_tokens"], d)
        self.text_encoder = TransformerStack(d, c["heads"], c["ffn"], c["q2s_text_layers"], c["dropout"])
        self.title_trigrams = TrigramBag(c["buckets"], d)
        self.images = ImageSetEncoder(IMAGE_DIM, d)
        self.fusion = AttentionFusion(d)
        self.projection = nn.Linear(d, c["dim"])

    def forward(self, tokens, title_trigrams, images, image_mask, _context):
        b = tokens.shape[0]
        text = self.text_encoder(self.embed(tokens), tokens.eq(0)).select(1, 0)
        vectors = [text, self.title_trigrams(title_trigrams), self.images(images, image_mask)]
        present = [torch.ones(b, 1, dtype=torch.bool), torch.ones(b, 1, dtype=torch.bool),
                   image_mask.any(1).unsqueeze(1)]
        fused = self.fusion(torch.stack(vectors, 1), torch.cat(present, 1))
        return F.normalize(self.projection(fused), p=2, dim=1)


class TwoTowerModel(nn.Module):
    def __init__(self, c, kind):
        super().__init__()
        self.query_tower = QueryTower(c)
        self.document_tower = Que2EngageDocumentTower(c) if kind == "que2engage" else Que2SearchDocumentTower(c)
        self.engagement_bias = nn.Parameter(torch.zeros(1))


# ---------------------------------------------------------------- losses (src/Que2Engage/Training/Losses)

def contrastive_from_logits(logits, exclude):
    logits = logits.masked_fill(exclude, float("-inf"))
    return F.cross_entropy(logits, torch.arange(logits.shape[0], dtype=torch.int64))


def collision_mask(rows, cols):
    ids = {}
    r = torch.tensor([ids.setdefault(s, len(ids)) for s in rows], dtype=torch.int64)
    c = torch.tensor([ids.setdefault(s, len(ids)) for s in cols], dtype=torch.int64)
    return r.unsqueeze(1).eq(c.unsqueeze(0))


# ---------------------------------------------------------------- benchmark

def matmul_gflops(repeats=20):
    a, b = torch.randn(512, 768), torch.randn(768, 768)
    for _ in range(3):
        torch.matmul(a, b)
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        torch.matmul(a, b)
        times.append(time.perf_counter() - t)
    times.sort()
    return 2.0 * 512 * 768 * 768 / times[len(times) // 2] / 1e9


PHASES = ["data", "forward", "backward", "optimizer", "other"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--preset", default="small", choices=["small", "paper"])
    ap.add_argument("--model", default="que2engage", choices=["que2engage", "que2search"])
    ap.add_argument("--objective", default=None, choices=["contrastive", "multitask"])
    ap.add_argument("--batch", type=int, default=None)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--threads", type=int, default=0, help="intra-op threads (0 = all cores)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--optimizer", default="adam", choices=["adam", "lazy-adam"],
                    help="lazy-adam: sparse gradients for the token and trigram tables and torch.optim.SparseAdam for them "
                         "(the C# LazyAdam), Adam for the rest")
    args = ap.parse_args()
    if args.steps < 3:
        raise SystemExit("error: --steps must be >= 3 (the first and the last step are not timed)")
    cfg = preset(args.preset)
    if args.batch is not None:
        if args.batch < 2:
            raise SystemExit(f"error: --batch must be >= 2 (got {args.batch})")
        cfg["batch"] = args.batch
    objective = args.objective or ("multitask" if args.model == "que2engage" else "contrastive")
    threads = args.threads if args.threads > 0 else os.cpu_count()
    torch.set_num_threads(threads)

    blas = "unknown"
    try:
        blas = os.path.realpath("/usr/lib/x86_64-linux-gnu/libblas.so.3")
    except OSError:
        pass
    print(f"torch {torch.__version__}, {threads} thread(s), OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, BLAS {blas}")
    if "openblas" not in blas and "mkl" not in blas:
        print("warning: torch is using the reference BLAS (slow): apt-get install -y libopenblas0-pthread", file=sys.stderr)
    gflops = matmul_gflops()
    print(f"matmul 512x768 @ 768x768: {gflops:.1f} GFLOP/s")

    catalogue, shown = synthetic_world(args.seed)
    by_id = {p["id"]: p for p in catalogue}
    examples = shown if objective == "multitask" else [s for s in shown if s[2]]
    featurizer = Featurizer(cfg, catalogue)
    global SPARSE_TABLES
    SPARSE_TABLES = args.optimizer == "lazy-adam"
    torch.manual_seed(args.seed)
    model = TwoTowerModel(cfg, args.model)
    parameters = sum(p.numel() for p in model.parameters())
    print(f"parameters: {parameters:,}")
    def is_table(name):
        return SPARSE_TABLES and (name.endswith("embed.tokens.weight") or name.endswith("bag.weight"))

    tower = [p for n, p in model.named_parameters() if n != "engagement_bias" and not is_table(n)]
    tables = [p for n, p in model.named_parameters() if is_table(n)]
    optimizer = torch.optim.Adam([{"params": tower, "lr": cfg["lr"]},
                                  {"params": [model.engagement_bias], "lr": cfg["lr"] * 100}], lr=cfg["lr"])
    sparse_optimizer = torch.optim.SparseAdam(tables, lr=cfg["lr"]) if tables else None
    print(f"optimizer: {args.optimizer}" + (f" ({sum(p.numel() for p in tables):,} table parameters in SparseAdam)" if tables else ""))
    model.train()
    order_rng = random.Random(args.seed)
    order, position = [], 0
    query_cache, doc_cache = {}, {}
    phase = dict.fromkeys(PHASES, 0.0)
    batch_size, scale = cfg["batch"], cfg["scale"]
    start_timed = end_timed = None
    for step in range(1, args.steps + 1):
        if step == 2:
            phase = dict.fromkeys(PHASES, 0.0)
            start_timed = time.perf_counter()
            start_cpu = time.process_time()
        mark = time.perf_counter()

        def lap(name):
            nonlocal mark
            now = time.perf_counter()
            phase[name] += now - mark
            mark = now

        batch = []
        while len(batch) < batch_size:
            if position >= len(order):
                order = list(range(len(examples)))
                order_rng.shuffle(order)
                position = 0
            batch.append(examples[order[position]])
            position += 1
        lap("data")
        torch.manual_seed(args.seed * 1_000_003 + step)
        optimizer.zero_grad()
        if sparse_optimizer is not None:
            sparse_optimizer.zero_grad(set_to_none=True)
        lap("optimizer")
        qf = [query_cache[q] if q in query_cache else query_cache.setdefault(q, featurizer.query(q)) for q, _, _ in batch]
        df = [doc_cache[d] if d in doc_cache else doc_cache.setdefault(d, featurizer.product(by_id[d])) for _, d, _ in batch]
        lap("data")
        q = model.query_tower(*featurizer.query_tensors(qf))
        d = model.document_tower(*featurizer.doc_tensors(df))
        queries, products = [x[0] for x in batch], [x[1] for x in batch]
        exclude = (collision_mask(queries, queries).logical_or(collision_mask(products, products))
                   .logical_and(torch.eye(len(batch), dtype=torch.bool).logical_not()))
        if objective == "contrastive":
            total = contrastive_from_logits(q.matmul(d.t()) * scale, exclude)
        else:
            y = torch.tensor([x[2] for x in batch])
            relevance = contrastive_from_logits(q.matmul(d.t()) * scale, exclude)
            logits = (q * d).sum(1) * scale + model.engagement_bias
            engagement = F.binary_cross_entropy_with_logits(logits, y.float())
            total = relevance * 0.8 + engagement * 0.2
            relevance.item(), engagement.item()
        loss = total.item()
        if not math.isfinite(loss):
            raise SystemExit(f"error: loss is {loss} at step {step}")
        lap("forward")
        total.backward()
        lap("backward")
        optimizer.step()
        if sparse_optimizer is not None:
            sparse_optimizer.step()
        lap("optimizer")
        del q, d, total
        lap("other")
        print(f"  step {step}/{args.steps} loss {loss:.3f}", flush=True)
        if step == args.steps - 1:
            end_timed = time.perf_counter()
            end_cpu = time.process_time()
            timed_phase = dict(phase)

    timed = args.steps - 2
    per_step = (end_timed - start_timed) / timed
    result = dict(implementation="pytorch", torch=torch.__version__, blas=blas, preset=args.preset, model=args.model,
                  objective=objective, batch=batch_size, threads=threads, steps=args.steps, parameters=parameters,
                  matmul_gflops=gflops, seconds_per_step=per_step, examples_per_second=batch_size / per_step,
                  phases={k: v / timed for k, v in timed_phase.items()},
                  cpu_seconds_per_step=(end_cpu - start_cpu) / timed)
    print()
    print(f"preset {args.preset}, {args.model}/{objective}, batch {batch_size}, {threads} thread(s), {args.steps} steps")
    print(f"training step: {per_step:.3f} s   {batch_size / per_step:.1f} examples/s")
    print(f"CPU time per step: {(end_cpu - start_cpu) / timed:.3f} s (all threads)")
    print("per step: " + ", ".join(f"{k} {v / timed * 1000:.0f} ms" for k, v in timed_phase.items()))
    print("RESULT " + json.dumps(result))


if __name__ == "__main__":
    sys.exit(main())

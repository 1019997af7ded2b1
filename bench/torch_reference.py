#!/usr/bin/env python3
"""PyTorch reference for the population-trainer benchmark (bench/run.ts writes the workload and calls this).

Trains the same members as the tfjs population trainer, from the same initial weights and the same minibatch
schedule (both exported by run.ts), with the same semantics: one-layer GRU (PyTorch's equations) or Elman tanh
cell, mean answer cross-entropy under teacher forcing, Adam, greedy train exact match every eval_every steps, stop
at the target accuracy, a stopped member replaced by the next pending one. The population is batched the PyTorch way: every
population step, members are grouped by (prompt length, rows) and each group runs one bmm forward/backward;
Adam is vectorised over members with per-member step counts. Prints one JSON line of results.

Run: /usr/bin/python3 bench/torch_reference.py WORKLOAD.json [--threads N]. Exit code 3 when torch is missing.
"""
import json
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as err:  # the benchmark skips the comparison with this message
    print(json.dumps({"skipped": f"PyTorch not importable by {sys.executable}: {err}"}))
    sys.exit(3)


def load(path):
    with open(path) as f:
        w = json.load(f)
    raw = open(w["binary"], "rb").read()
    N, E, X, S = len(w["members"]), w["epochs"], len(w["examples"]), w["batchesPerEpoch"]
    n_init = w["initFloats"] * N
    init = np.frombuffer(raw, dtype=np.float32, count=n_init).reshape(N, w["initFloats"])
    order = np.frombuffer(raw, dtype=np.uint16, count=N * E * X, offset=4 * n_init).reshape(N, E, X)
    sizes = np.frombuffer(raw, dtype=np.uint16, count=N * E * S, offset=4 * n_init + 2 * N * E * X).reshape(N, E, S)
    return w, init, order, sizes


class Population:
    def __init__(self, w, P):
        c = w["config"]
        self.V, self.E, self.H, self.P = w["vocabSize"], c["embedSize"], c["hiddenSize"], P
        self.G = 3 if c["cell"] == "gru" else 1
        self.lr, self.b1, self.b2, self.eps = c["learningRate"], 0.9, 0.999, 1e-8
        shapes = {s["name"]: s["shape"] for s in w["specs"]}
        self.names = [s["name"] for s in w["specs"]]
        self.shapes = shapes
        self.params = {n: torch.zeros([P] + shapes[n], requires_grad=True) for n in self.names}
        self.m = {n: torch.zeros([P] + shapes[n]) for n in self.names}
        self.v = {n: torch.zeros([P] + shapes[n]) for n in self.names}
        self.t = torch.zeros(P)

    def load(self, slot, flat):
        off = 0
        with torch.no_grad():
            for n in self.names:
                size = int(np.prod(self.shapes[n]))
                self.params[n][slot] = torch.from_numpy(flat[off:off + size].copy()).view(self.shapes[n])
                self.m[n][slot] = 0
                self.v[n][slot] = 0
                off += size
        self.t[slot] = 0

    def logits(self, idx, tokens, prompt_len, greedy=False):
        """tokens: [G, B, L] (teacher) -> logits [G, B, Tt, V]; greedy feeds back argmaxes."""
        p = {n: self.params[n][idx] for n in self.names}
        G, B, L = tokens.shape
        H, V = self.H, self.V
        T = L - 1
        table = torch.baddbmm(p["cells.0.b_ih"].unsqueeze(1), p["embed.W_E"], p["cells.0.W_ih"])  # [G, V, 3H]
        h = torch.zeros(G, B, H)
        outs = []
        prev = None
        for t in range(T):
            tok = tokens[:, :, t] if (not greedy or t < prompt_len) else prev
            gi = torch.gather(table, 1, tok.unsqueeze(-1).expand(G, B, self.G * H))
            gh = torch.baddbmm(p["cells.0.b_hh"].unsqueeze(1), h, p["cells.0.W_hh"])
            if self.G == 1:
                h = torch.tanh(gi + gh)
            else:
                i_r, i_z, i_n = gi.split(H, -1)
                h_r, h_z, h_n = gh.split(H, -1)
                r = torch.sigmoid(i_r + h_r)
                z = torch.sigmoid(i_z + h_z)
                n = torch.tanh(i_n + r * h_n)
                h = n + z * (h - n)
            if t >= prompt_len - 1:
                out = torch.baddbmm(p["unembed.b_U"].unsqueeze(1), h, p["unembed.W_U"])
                outs.append(out)
                if greedy:
                    prev = out.argmax(-1)
        return torch.stack(outs, 2)

    def adam(self, active):
        with torch.no_grad():
            self.t += active
            c1 = (1 - self.b1 ** self.t).clamp(min=1e-30)
            c2 = (1 - self.b2 ** self.t).clamp(min=1e-30)
            for n in self.names:
                g = self.params[n].grad
                shape = [self.P] + [1] * len(self.shapes[n])
                a = active.view(shape)
                self.m[n].mul_(torch.where(a > 0, self.b1, 1.0)).add_(g * (1 - self.b1) * a)
                self.v[n].mul_(torch.where(a > 0, self.b2, 1.0)).add_(g * g * (1 - self.b2) * a)
                upd = (self.m[n] / c1.view(shape)) / ((self.v[n] / c2.view(shape)).sqrt() + self.eps)
                self.params[n].sub_(self.lr * upd * a)
                self.params[n].grad = None


def main():
    args = sys.argv[1:]
    threads = int(args[args.index("--threads") + 1]) if "--threads" in args else 1
    torch.set_num_threads(threads)
    w, init, order, sizes = load(args[0])
    c = w["config"]
    ex = w["examples"]
    prompts = [len(e["prompt"]) for e in ex]
    seqs = [e["prompt"] + e["target"] for e in ex]
    N = len(w["members"])
    P = min(c.get("populationSize", 32), N)
    pop = Population(w, P)
    bpe = w["batchesPerEpoch"]
    # Batch k of an epoch: the next sizes[m, epoch, k] indices of order[m, epoch] (run.ts wrote epochBatches).
    starts = np.concatenate([np.zeros(sizes.shape[:2] + (1,), dtype=np.int64), np.cumsum(sizes, axis=2, dtype=np.int64)], axis=2)
    eval_sets = {}
    for i, s in enumerate(seqs):
        eval_sets.setdefault(prompts[i], []).append(i)
    eval_sets = {k: torch.tensor([seqs[i] for i in v]) for k, v in eval_sets.items()}

    slots = [None] * P  # member index per slot
    state = {}
    nxt = 0
    results = [None] * N
    total_steps = 0
    wall0, cpu0 = time.perf_counter(), time.process_time()

    def start(slot):
        nonlocal nxt
        if nxt >= N:
            slots[slot] = None
            return
        m = nxt
        nxt += 1
        pop.load(slot, init[m])
        slots[slot] = m
        state[m] = {"step": 0, "t0": time.perf_counter()}

    for s in range(P):
        start(s)
    while any(m is not None for m in slots):
        groups = {}
        for s, m in enumerate(slots):
            if m is None:
                continue
            st = state[m]
            epoch, pos = divmod(st["step"], bpe)
            a, b = starts[m, epoch, pos], starts[m, epoch, pos + 1]
            rows = order[m, epoch, a:b]
            key = (prompts[rows[0]], len(rows))
            groups.setdefault(key, []).append((s, rows))
        loss_total = 0
        for (pl, _), items in groups.items():
            idx = torch.tensor([s for s, _ in items])
            tokens = torch.tensor(np.stack([[seqs[r] for r in rows] for _, rows in items]))
            logits = pop.logits(idx, tokens, pl)
            G, B, Tt, V = logits.shape
            labels = tokens[:, :, pl:]
            ce = torch.nn.functional.cross_entropy(logits.reshape(-1, V), labels.reshape(-1), reduction="sum")
            loss_total = loss_total + ce / (B * Tt)  # each member's mean; members are independent
        loss_total.backward()
        active = torch.tensor([1.0 if m is not None else 0.0 for m in slots])
        pop.adam(active)
        due = []
        for s, m in enumerate(slots):
            if m is None:
                continue
            state[m]["step"] += 1
            total_steps += 1
            st = state[m]["step"]
            if st % c["evalEvery"] == 0 or st == c["maxSteps"]:
                due.append(s)
        if due:
            with torch.no_grad():
                idx = torch.tensor(due)
                right = torch.zeros(len(due))
                for pl, toks in eval_sets.items():
                    tk = toks.unsqueeze(0).expand(len(due), -1, -1)
                    pred = pop.logits(idx, tk, pl, greedy=True).argmax(-1)
                    right += (pred == tk[:, :, pl:]).all(-1).float().sum(-1)
                acc = (right / len(seqs)).tolist()
            for s, a in zip(due, acc):
                m = slots[s]
                st = state[m]["step"]
                if a >= c["stopAtTrainAccuracy"] or st >= c["maxSteps"]:
                    results[m] = {"index": m, "steps": st, "trainExactMatch": a,
                                  "stoppedBecause": "accuracy" if a >= c["stopAtTrainAccuracy"] else "maxSteps"}
                    start(s)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    print(json.dumps({
        "torch": torch.__version__, "threads": threads, "populationSize": P, "members": results,
        "totalSteps": total_steps, "wallSeconds": wall, "cpuSeconds": cpu,
        "msPerModelStep": 1000 * wall / total_steps, "cpuMsPerModelStep": 1000 * cpu / total_steps,
        "modelsPerHour": N / wall * 3600,
    }))


if __name__ == "__main__":
    main()

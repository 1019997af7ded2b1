#!/usr/bin/env python3
"""PyTorch reference for the hyperteacher MLP benchmark (bench/hyperteacher.ts writes the workload and calls this).

Trains the same models as complens, from the same initial weights on the same batches, with trainVectorModel's
semantics: [Linear + ReLU] x n, a linear readout, loss mean((y - t)^2), Adam (PyTorch's update, eps outside the
square root, as tf.train.adam) followed by the decoupled decay W *= 1 - lr*wd on weight matrices only (complens
decays after the Adam step; torch.optim.AdamW decays before it, hence plain Adam + an explicit multiply).
A population of P models runs the PyTorch way: parameters stacked [P, ...], one baddbmm per layer; P = 1 uses addmm.
Prints one JSON line: timings (wall and process CPU time), per-history-point losses; writes final weights of
member 0 to OUT.bin for the weight comparison.

Run: /usr/bin/python3 bench/torch_mlp_reference.py WORKLOAD.json --threads N. Exit code 3 when torch is missing.
"""
import json
import sys
import time

try:
    import numpy as np
    import torch
except ImportError as err:
    print(json.dumps({"skipped": f"PyTorch not importable by {sys.executable}: {err}"}))
    sys.exit(3)


def main():
    path = sys.argv[1]
    threads = int(sys.argv[sys.argv.index("--threads") + 1]) if "--threads" in sys.argv else 1
    torch.set_num_threads(threads)
    with open(path) as f:
        w = json.load(f)
    raw = open(w["binary"], "rb").read()
    P, S, R, I, O = w["population"], w["steps"], w["rows"], w["inputSize"], w["outputSize"]
    specs = w["specs"]
    n_init = sum(int(np.prod(s["shape"])) for s in specs)
    init = np.frombuffer(raw, dtype=np.float32, count=P * n_init).reshape(P, n_init)
    off = 4 * P * n_init
    xs = torch.from_numpy(np.frombuffer(raw, dtype=np.float32, count=S * R * I, offset=off).reshape(S, R, I).copy())
    off += 4 * S * R * I
    ts = torch.from_numpy(np.frombuffer(raw, dtype=np.float32, count=S * R * O, offset=off).reshape(S, R, O).copy())

    params, o = [], 0
    for s in specs:
        size = int(np.prod(s["shape"]))
        t = torch.from_numpy(init[:, o:o + size].copy()).view([P] + s["shape"])
        params.append(t.squeeze(0).clone().requires_grad_(True) if P == 1 else t.clone().requires_grad_(True))
        o += size
    decayed = [p for p, s in zip(params, specs) if len(s["shape"]) >= 2]
    c = w["training"]
    opt = torch.optim.Adam(params, lr=c["learningRate"], betas=(c["beta1"], c["beta2"]), eps=c["epsilon"])
    decay = 1 - c["learningRate"] * c["weightDecay"] if c["optimizer"] == "adamw" else 1.0
    layers = len(specs) // 2

    def forward(x):
        h = x if P == 1 else x.unsqueeze(0).expand(P, R, I)
        for i in range(layers):
            W, b = params[2 * i], params[2 * i + 1]
            h = torch.addmm(b, h, W) if P == 1 else torch.baddbmm(b.unsqueeze(1), h, W)
            if i < layers - 1:
                h = torch.relu(h)
        return h

    def step(k):
        opt.zero_grad(set_to_none=True)
        y = forward(xs[k])
        target = ts[k] if P == 1 else ts[k].unsqueeze(0).expand(P, R, O)
        # Mean over each member's rows and outputs, summed over members: every member gets its own loss's gradient.
        per_member = ((y - target) ** 2).mean(dim=(-2, -1)) if P > 1 else ((y - target) ** 2).mean().view(1)
        per_member.sum().backward()
        opt.step()
        if decay != 1.0:
            with torch.no_grad():
                for p in decayed:
                    p.mul_(decay)
        # Member 0's loss: the one compared with complens's first model.
        return per_member[0].item()

    warm = w["warmup"]
    # Warm-up on copies: the timed run starts from the shared initial weights.
    saved = [p.detach().clone() for p in params]
    for k in range(warm):
        step(k)
    with torch.no_grad():
        for p, s in zip(params, saved):
            p.copy_(s)
    opt = torch.optim.Adam(params, lr=c["learningRate"], betas=(c["beta1"], c["beta2"]), eps=c["epsilon"])

    losses, points, acc = [], [], []
    t0, c0 = time.perf_counter(), time.process_time()
    for k in range(S):
        acc.append(step(k))
        if (k + 1) % c["evalEvery"] == 0 or k + 1 == S:
            points.append(sum(acc) / len(acc))
            acc = []
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    out = w["binary"] + ".torch-weights.bin"
    with open(out, "wb") as f:
        for p in params:
            f.write((p.detach() if P == 1 else p.detach()[0]).contiguous().numpy().astype(np.float32).tobytes())
    print(json.dumps({
        "torch": torch.__version__, "numpy": np.__version__, "threads": torch.get_num_threads(), "population": P,
        "steps": S, "wallSeconds": wall, "cpuSeconds": cpu,
        "msPerModelStep": 1000 * wall / (S * P), "cpuMsPerModelStep": 1000 * cpu / (S * P),
        "historyLoss": points, "weightsFile": out,
        "blas": next((l.strip() for l in torch.__config__.show().splitlines() if "BLAS_INFO" in l), "unknown"),
    }))


if __name__ == "__main__":
    main()

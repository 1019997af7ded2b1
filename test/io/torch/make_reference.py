"""Reference files for complens's import tests, written by real PyTorch modules (Debian python3-torch 1.13).

Trains a tiny model for a few steps, writes its state dict as safetensors (struct + json: no `safetensors`
package), and writes the logits PyTorch computes on a few inputs, so complens's forward pass can be compared.

  make_reference.py gru     --out F --logits J --vocab V [--steps N] [--cell gru|lstm|rnn]
  make_reference.py mingpt  --out F --logits J [--layers 3 --heads 3 --embd 48 --block 15 --steps N]
  make_reference.py nanogpt ...   (lm_head tied to wte, stored once)
  make_reference.py hf-gpt2 ...   (HF GPT-2 names and Conv1D layout: dense weights in x out; tied, lm_head absent;
                                   --bare: GPT2Model names without the transformer. prefix)

The GPT is minGPT as ExploreGPT uses it (adder_v3.py): pre-LN blocks, causal attention, 4x MLP with tanh GELU,
final LayerNorm, lm_head without bias; data in the adder format (operands padded to 5 digits, answer reversed).
"""
import argparse, json, math, struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def write_safetensors(path, tensors, metadata=None):
    header, blobs, off = {}, [], 0
    if metadata:
        header['__metadata__'] = metadata
    for name, t in tensors.items():
        a = np.ascontiguousarray(t.detach().cpu().numpy().astype('<f4'))
        b = a.tobytes()
        header[name] = {'dtype': 'F32', 'shape': list(a.shape), 'data_offsets': [off, off + len(b)]}
        off += len(b)
        blobs.append(b)
    h = json.dumps(header).encode()
    h += b' ' * ((8 - len(h) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(h)) + h + b''.join(blobs))


class NewGELU(nn.Module):
    def forward(self, x):
        return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class CausalSelfAttention(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.c_attn = nn.Linear(n_embd, 3 * n_embd)
        self.c_proj = nn.Linear(n_embd, n_embd)
        self.register_buffer('bias', torch.tril(torch.ones(block_size, block_size)).view(1, 1, block_size, block_size))
        self.n_head, self.n_embd = n_head, n_embd

    def forward(self, x):
        B, T, C = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        k = k.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        q = q.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        v = v.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :T, :T] == 0, float('-inf'))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)


class Block(nn.Module):
    def __init__(self, n_embd, n_head, block_size):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd)
        self.attn = CausalSelfAttention(n_embd, n_head, block_size)
        self.ln_2 = nn.LayerNorm(n_embd)
        self.mlp = nn.ModuleDict(dict(c_fc=nn.Linear(n_embd, 4 * n_embd), c_proj=nn.Linear(4 * n_embd, n_embd), act=NewGELU()))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        m = self.mlp
        return x + m.c_proj(m.act(m.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, vocab_size, block_size, n_layer, n_head, n_embd, tied=False):
        super().__init__()
        self.block_size = block_size
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(vocab_size, n_embd), wpe=nn.Embedding(block_size, n_embd),
            h=nn.ModuleList([Block(n_embd, n_head, block_size) for _ in range(n_layer)]), ln_f=nn.LayerNorm(n_embd)))
        self.lm_head = nn.Linear(n_embd, vocab_size, bias=False)
        self.apply(self._init_weights)
        for pn, p in self.named_parameters():
            if pn.endswith('c_proj.weight'):
                torch.nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * n_layer))
        if tied:
            self.lm_head.weight = self.transformer.wte.weight

    def _init_weights(self, module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            torch.nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if isinstance(module, nn.Linear) and module.bias is not None:
                torch.nn.init.zeros_(module.bias)

    def forward(self, idx):
        t = idx.size(1)
        pos = torch.arange(0, t, dtype=torch.long).unsqueeze(0)
        x = self.transformer.wte(idx) + self.transformer.wpe(pos)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


class TinyRnn(nn.Module):
    def __init__(self, vocab, embed, hidden, layers, cell):
        super().__init__()
        self.embedding = nn.Embedding(vocab, embed)
        self.rnn = {'gru': nn.GRU, 'lstm': nn.LSTM, 'rnn': nn.RNN}[cell](embed, hidden, num_layers=layers, batch_first=True)
        self.fc = nn.Linear(hidden, vocab)

    def forward(self, idx):
        return self.fc(self.rnn(self.embedding(idx))[0])


def adder_batch(gen, n, pad=5):
    """ExploreGPT adder_v3 format: a, b < 1000 padded to 5 digits, answer padded to 6 and reversed; loss on the answer."""
    a = torch.randint(0, 1000, (n,), generator=gen)
    b = torch.randint(0, 1000, (n,), generator=gen)
    rows = []
    for x, y in zip(a.tolist(), b.tolist()):
        s = f'{x:0{pad}d}{y:0{pad}d}' + f'{x + y:0{pad + 1}d}'[::-1]
        rows.append([int(c) for c in s])
    seq = torch.tensor(rows)
    inp, tgt = seq[:, :-1].clone(), seq[:, 1:].clone()
    tgt[:, :2 * pad - 1] = -1
    return inp, tgt


def train(model, batches, steps, lr):
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.1)
    for _ in range(steps):
        inp, tgt = batches()
        loss = F.cross_entropy(model(inp).reshape(-1, model_vocab(model)), tgt.reshape(-1), ignore_index=-1)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
    return float(loss)


def model_vocab(model):
    return model.fc.out_features if isinstance(model, TinyRnn) else model.lm_head.out_features


def gpt_state(model, fmt):
    """The state dict as each code base names and lays it out."""
    sd = {k: v for k, v in model.state_dict().items()}
    if fmt == 'mingpt':
        return sd
    del sd['lm_head.weight']  # tied: safetensors stores the shared tensor once
    if fmt == 'nanogpt':
        return {k: v for k, v in sd.items() if not k.endswith('.attn.bias')}
    out = {}
    for k, v in sd.items():
        if k.endswith(('c_attn.weight', 'c_proj.weight', 'c_fc.weight')):
            v = v.t()  # HF Conv1D stores in x out
        out[k] = v
        if k.endswith('.attn.bias'):
            out[k.replace('attn.bias', 'attn.masked_bias')] = torch.tensor(-1e4)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument('kind', choices=['gru', 'mingpt', 'nanogpt', 'hf-gpt2'])
    p.add_argument('--out', required=True)
    p.add_argument('--logits', required=True)
    p.add_argument('--steps', type=int, default=5)
    p.add_argument('--seed', type=int, default=0)
    p.add_argument('--vocab', type=int, default=10)
    p.add_argument('--cell', choices=['gru', 'lstm', 'rnn'], default='gru', help='gru kind: the recurrent cell')
    p.add_argument('--layers', type=int, default=3)
    p.add_argument('--heads', type=int, default=3)
    p.add_argument('--embd', type=int, default=48)
    p.add_argument('--block', type=int, default=15)
    p.add_argument('--batch', type=int, default=64)
    p.add_argument('--lr', type=float, default=5e-4)
    p.add_argument('--bare', action='store_true', help='hf-gpt2: GPT2Model names (no transformer. prefix)')
    a = p.parse_args()
    torch.manual_seed(a.seed)
    gen = torch.Generator().manual_seed(a.seed)
    if a.kind == 'gru':
        model = TinyRnn(a.vocab, 5, 7, 2, a.cell)
        def batches():
            seq = torch.randint(0, a.vocab, (16, 9), generator=gen)
            return seq[:, :-1], seq[:, 1:]
        loss = train(model, batches, a.steps, 1e-2)
        state = dict(model.state_dict())
        state['steps_done'] = torch.tensor([float(a.steps)])  # not a weight: the importer must list it as unused
        inputs = torch.randint(0, a.vocab, (4, 8), generator=gen)
    else:
        model = GPT(a.vocab, a.block, a.layers, a.heads, a.embd, tied=a.kind != 'mingpt')
        loss = train(model, lambda: adder_batch(gen, a.batch), a.steps, a.lr)
        state = gpt_state(model, a.kind)
        if a.bare:
            state = {k[len('transformer.'):]: v for k, v in state.items()}
        inputs = adder_batch(gen, 4)[0]
    model.eval()
    with torch.no_grad():
        logits = model(inputs)
    write_safetensors(a.out, state)
    with open(a.logits, 'w') as f:
        json.dump({'inputs': inputs.tolist(), 'logits': logits.tolist(), 'loss': loss, 'torch': torch.__version__}, f)


if __name__ == '__main__':
    main()

"""Independent PyTorch reference of the P2GAN networks and losses, written from
docs/architecture.md only (not from native/src). Evaluation mode as the doc defines it."""
import json
import math
import struct

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

_DT = {"F32": np.float32, "I64": np.int64, "F64": np.float64, "I32": np.int32}


def load_safetensors(path):
    """Minimal safetensors reader: u64 LE header length, JSON header, raw LE data."""
    with open(path, "rb") as f:
        buf = f.read()
    n = struct.unpack("<Q", buf[:8])[0]
    header = json.loads(buf[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        a, b = info["data_offsets"]
        dt = np.dtype(_DT[info["dtype"]]).newbyteorder("<")
        arr = np.frombuffer(buf, dtype=dt, count=(b - a) // dt.itemsize, offset=base + a)
        tensors[name] = torch.from_numpy(arr.astype(arr.dtype.newbyteorder("="), copy=True).reshape(info["shape"]))
    return tensors, meta


def parse_params(text):
    out = {}
    for line in text.splitlines():
        if "=" in line:
            k, v = line.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def ch(level, c):
    return min(c * 2 ** level, 8 * c)


def stages(resolution):
    s = int(round(math.log2(resolution / 4)))
    assert 4 * 2 ** s == resolution, resolution
    return s


# ---------------------------------------------------------------- spectral norm (eval)
class SNConv2d(nn.Module):
    """Eval-mode SN conv: W_sn = weight_orig / (u . W v), stored u, v, no iteration."""

    def __init__(self, cin, cout, k, stride, pad):
        super().__init__()
        self.weight_orig = nn.Parameter(torch.zeros(cout, cin, k, k))
        self.bias = nn.Parameter(torch.zeros(cout))
        self.register_buffer("weight_u", torch.zeros(cout))
        self.register_buffer("weight_v", torch.zeros(cin * k * k))
        self.stride, self.pad = stride, pad

    def weight(self):
        w = self.weight_orig.reshape(self.weight_orig.shape[0], -1)
        sigma = torch.dot(self.weight_u, torch.mv(w, self.weight_v))
        return self.weight_orig / sigma

    def forward(self, x):
        return F.conv2d(x, self.weight(), self.bias, self.stride, self.pad)


class SNLinear(nn.Module):
    def __init__(self, fin, fout):
        super().__init__()
        self.weight_orig = nn.Parameter(torch.zeros(fout, fin))
        self.bias = nn.Parameter(torch.zeros(fout))
        self.register_buffer("weight_u", torch.zeros(fout))
        self.register_buffer("weight_v", torch.zeros(fin))

    def forward(self, x):
        sigma = torch.dot(self.weight_u, torch.mv(self.weight_orig, self.weight_v))
        return F.linear(x, self.weight_orig / sigma, self.bias)


def softplus_doc(x):
    # log(1 + exp(x)), = x for x > 20 (beta 1, threshold 20)
    return torch.where(x > 20, x, torch.log1p(torch.exp(torch.clamp(x, max=20))))


class Discriminator(nn.Module):
    def __init__(self, C, R, c, d, use_torch_sn=False):
        super().__init__()
        S = stages(R)
        self.S = S

        def conv(cin, cout, k, s, p):
            if use_torch_sn:
                return nn.utils.spectral_norm(nn.Conv2d(cin, cout, k, s, p), n_power_iterations=1, eps=1e-12)
            return SNConv2d(cin, cout, k, s, p)

        def lin(fin, fout):
            if use_torch_sn:
                return nn.utils.spectral_norm(nn.Linear(fin, fout), n_power_iterations=1, eps=1e-12)
            return SNLinear(fin, fout)

        layers = [conv(C, ch(0, c), 3, 1, 1)]
        for s in range(S):
            layers.append(conv(ch(s, c), ch(s, c), 4, 2, 1))
            layers.append(conv(ch(s, c), ch(s + 1, c), 3, 1, 1))
        self.convs = nn.ModuleList(layers)
        feat = ch(S, c) * 16
        self.mu_head = lin(feat, d)
        self.sigma_head = lin(feat, d)

    def forward(self, x, trace=None):
        for i, conv in enumerate(self.convs):
            x = F.leaky_relu(conv(x), 0.1)
            if trace is not None:
                trace[f"D.convs.{i}"] = x
        h = x.flatten(1)
        mu = self.mu_head(h)
        sigma = softplus_doc(self.sigma_head(h))
        return mu, sigma


class AdaIN(nn.Module):
    def __init__(self, Ch, d, mode):
        super().__init__()
        self.Ch, self.mode = Ch, mode
        self.norm = nn.Module()
        self.norm.register_buffer("running_mean", torch.zeros(Ch))
        self.norm.register_buffer("running_var", torch.ones(Ch))
        self.norm.register_buffer("num_batches_tracked", torch.zeros((), dtype=torch.long))
        self.posterior = nn.Linear(d, Ch * 16 if mode == 0 else 2 * Ch)

    def forward(self, m, z):
        B = m.shape[0]
        mean = self.norm.running_mean.view(1, -1, 1, 1)
        var = self.norm.running_var.view(1, -1, 1, 1)
        normed = (m - mean) / torch.sqrt(var + 1e-5)
        if self.mode == 0:  # statistics
            s = self.posterior(z).view(B, self.Ch, 16)
            bias = s.mean(-1)
            gain = torch.sqrt(s.var(-1, unbiased=False) + 1e-5)
        else:  # affine
            out = self.posterior(z)
            gain = 1 + out[:, : self.Ch]
            bias = out[:, self.Ch:]
        return gain.view(B, -1, 1, 1) * normed + bias.view(B, -1, 1, 1)


class Block(nn.Module):
    def __init__(self, cin, cout, d, mode):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False)
        self.adain = AdaIN(cout, d, mode)


class Generator(nn.Module):
    def __init__(self, C, R, c, n, d, mode):
        super().__init__()
        S = stages(R)
        self.S, self.c = S, c
        self.fc = nn.Linear(n, ch(S, c) * 16)
        self.input_adain = AdaIN(ch(S, c), d, mode)
        self.blocks = nn.ModuleList([Block(ch(S - i, c), ch(S - i - 1, c), d, mode) for i in range(S)])
        self.out_conv = nn.Conv2d(ch(0, c), C, 3, 1, 1)

    def forward(self, eps, z, trace=None):
        B = eps.shape[0]
        x = self.fc(eps).view(B, ch(self.S, self.c), 4, 4)
        x = F.relu(self.input_adain(x, z))
        if trace is not None:
            trace["G.input_adain"] = x
        for i, blk in enumerate(self.blocks):
            x = F.relu(blk.adain(blk.deconv(x), z))
            if trace is not None:
                trace[f"G.blocks.{i}"] = x
        return torch.tanh(self.out_conv(x))


def dist(mu1, s1, mu2, s2):
    """closed form, per sample: mean over d of (mu1-mu2)^2 + (s1-s2)^2"""
    return ((mu1 - mu2) ** 2 + (s1 - s2) ** 2).mean(-1)


def losses(p, mu_r, s_r, mu_g, s_g):
    mu_a, s_a = float(p.get("mu_a", -1)), float(p.get("sigma_a", 0.5))
    mu_b, s_b = float(p.get("mu_b", 1)), float(p.get("sigma_b", 1.5))
    lam = float(p.get("lambda_z", 10))
    mu_c, s_c = (mu_a + mu_b) / 2, (s_a + s_b) / 2
    L_D = 0.5 * dist(mu_r, s_r, mu_b, s_b).mean() + 0.5 * dist(mu_g, s_g, mu_a, s_a).mean()
    L_adv = 0.5 * dist(mu_g, s_g, mu_c, s_c).mean()
    L_z = (mu_g - mu_r).abs().mean() + (s_g - s_r).abs().mean()
    L_G = L_adv + lam * L_z
    return {"L_D": L_D.item(), "L_adv": L_adv.item(), "L_z": L_z.item(), "L_G": L_G.item()}


def sub(tensors, prefix):
    return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}


class Reference:
    def __init__(self, safetensors_path):
        self.tensors, self.meta = load_safetensors(safetensors_path)
        p = parse_params(self.meta["p2gan_params"])
        self.params = p
        R, C, c = int(p["resolution"]), int(p["channels"]), int(p["base_channels"])
        n, d, mode = int(p["noise_dim"]), int(p["posterior_dim"]), int(p["adain_mode"])
        self.D = Discriminator(C, R, c, d)
        self.D.load_state_dict(sub(self.tensors, "D."), strict=True)
        self.G = Generator(C, R, c, n, d, mode)
        self.G.load_state_dict(sub(self.tensors, "G."), strict=True)
        self.G_ema = None
        if any(k.startswith("G_ema.") for k in self.tensors):
            self.G_ema = Generator(C, R, c, n, d, mode)
            self.G_ema.load_state_dict(sub(self.tensors, "G_ema."), strict=True)
        for m in (self.D, self.G, self.G_ema):
            if m is not None:
                m.eval()

    def torch_sn_discriminator(self):
        p = self.params
        D = Discriminator(int(p["channels"]), int(p["resolution"]), int(p["base_channels"]),
                          int(p["posterior_dim"]), use_torch_sn=True)
        res = D.load_state_dict(sub(self.tensors, "D."), strict=True)
        D.eval()
        return D, res

    @torch.no_grad()
    def forward(self, real, noise, e, generator="G", trace=None):
        G = self.G if generator == "G" else self.G_ema
        mu_r, s_r = self.D(real, trace)
        codes = mu_r + s_r * e
        fake = G(noise, codes, trace)
        mu_g, s_g = self.D(fake)
        return {"mu_real": mu_r, "sigma_real": s_r, "codes": codes, "fake": fake,
                "mu_fake": mu_g, "sigma_fake": s_g, "losses": losses(self.params, mu_r, s_r, mu_g, s_g)}

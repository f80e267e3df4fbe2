"""The P2GAN train step in plain PyTorch eager, written the way a competent PyTorch user
would write it, as the baseline for `p2gan bench` (docs/benchmarks.md).

Same networks and step as native/src (docs/architecture.md): torch.nn.utils.spectral_norm
(one power iteration per training forward), D frozen (requires_grad False) during the G
update, gradients set to None, Adam(2e-4, betas (0, 0.999)). The D step cannot run real
and fake through D as one batch: the fakes are generated from codes drawn from D's
posterior of the real batch, so D(real) must come first.

Prints one JSON object, with the same keys as `p2gan bench` where they mean the same.
"""
import argparse
import json
import math
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

LEAKY_SLOPE = 0.1
NORM_EPS = 1e-5
STYLE_CELLS = 16  # the statistics-mode style map is 4x4 per channel


def level_channels(level, c):
    return min(c * 2 ** level, 8 * c)


def stage_count(resolution):
    return int(round(math.log2(resolution / 4)))


def sn(module):
    return nn.utils.spectral_norm(module, n_power_iterations=1, eps=1e-12)


class Discriminator(nn.Module):
    def __init__(self, channels, resolution, c, d):
        super().__init__()
        s = stage_count(resolution)
        layers = [sn(nn.Conv2d(channels, level_channels(0, c), 3, 1, 1))]
        for level in range(s):
            ch = level_channels(level, c)
            layers.append(sn(nn.Conv2d(ch, ch, 4, 2, 1)))
            layers.append(sn(nn.Conv2d(ch, level_channels(level + 1, c), 3, 1, 1)))
        self.convs = nn.ModuleList(layers)
        features = level_channels(s, c) * 16
        self.mu_head = sn(nn.Linear(features, d))
        self.sigma_head = sn(nn.Linear(features, d))

    def forward(self, x):
        for conv in self.convs:
            x = F.leaky_relu(conv(x), LEAKY_SLOPE)
        h = x.flatten(1)
        return self.mu_head(h), F.softplus(self.sigma_head(h))


class AdaIN(nn.Module):
    def __init__(self, channels, d, mode):
        super().__init__()
        self.channels, self.mode = channels, mode
        self.norm = nn.BatchNorm2d(channels, eps=NORM_EPS, momentum=0.1, affine=False)
        self.posterior = nn.Linear(d, channels * STYLE_CELLS if mode == "statistics" else 2 * channels)

    def forward(self, x, z):
        b = x.shape[0]
        s = self.posterior(z)
        if self.mode == "statistics":
            s = s.view(b, self.channels, STYLE_CELLS)
            mean = s.mean(-1)
            std = torch.sqrt(s.var(-1, unbiased=False) + NORM_EPS)
        else:
            gain, mean = s.split(self.channels, 1)
            std = 1 + gain
        return self.norm(x) * std.view(b, -1, 1, 1) + mean.view(b, -1, 1, 1)


class Block(nn.Module):
    def __init__(self, cin, cout, d, mode):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False)
        self.adain = AdaIN(cout, d, mode)

    def forward(self, x, z):
        return F.relu(self.adain(self.deconv(x), z))


class Generator(nn.Module):
    def __init__(self, channels, resolution, c, n, d, mode):
        super().__init__()
        s = stage_count(resolution)
        self.top = level_channels(s, c)
        self.fc = nn.Linear(n, self.top * 16)
        self.input_adain = AdaIN(self.top, d, mode)
        self.blocks = nn.ModuleList(
            [Block(level_channels(l, c), level_channels(l - 1, c), d, mode) for l in range(s, 0, -1)])
        self.out_conv = nn.Conv2d(level_channels(0, c), channels, 3, 1, 1)

    def forward(self, noise, z):
        x = F.relu(self.input_adain(self.fc(noise).view(noise.shape[0], self.top, 4, 4), z))
        for block in self.blocks:
            x = block(x, z)
        return torch.tanh(self.out_conv(x))


def distance(mu, sigma, prior_mu, prior_sigma):
    return ((mu - prior_mu) ** 2 + (sigma - prior_sigma) ** 2).mean(-1)


class Step:
    """One training iteration: a D update, then a G update (n_dis 1, no pre-training)."""

    def __init__(self, args):
        self.args = args
        self.device = torch.device(args.device)
        fmt = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
        self.D = Discriminator(args.channels, args.resolution, args.base_channels, args.posterior_dim)
        self.G = Generator(args.channels, args.resolution, args.base_channels, args.noise_dim,
                           args.posterior_dim, args.adain_mode)
        self.D.to(self.device, memory_format=fmt)
        self.G.to(self.device, memory_format=fmt)
        self.opt_d = torch.optim.Adam(self.D.parameters(), lr=2e-4, betas=(0.0, 0.999))
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=2e-4, betas=(0.0, 0.999))
        self.prior_a, self.prior_b, self.prior_c = (-1.0, 0.5), (1.0, 1.5), (0.0, 1.0)
        self.lambda_z = 10.0

    def clock(self):
        if self.device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter()

    def autocast(self):
        return torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.args.precision == "bf16")

    def __call__(self, real):
        b, n, d = real.shape[0], self.args.noise_dim, self.args.posterior_dim
        D, G, dev = self.D, self.G, self.device

        t0 = self.clock()
        # D update
        self.opt_d.zero_grad(set_to_none=True)
        with self.autocast():
            mu_r, sigma_r = D(real)
            codes = (mu_r + sigma_r * torch.randn(b, d, device=dev)).detach()
            with torch.no_grad():
                fake = G(torch.randn(b, n, device=dev), codes)
            mu_f, sigma_f = D(fake)
            loss_d = 0.5 * distance(mu_r, sigma_r, *self.prior_b).mean() + \
                0.5 * distance(mu_f, sigma_f, *self.prior_a).mean()
        t1 = self.clock()
        loss_d.backward()
        t2 = self.clock()
        self.opt_d.step()
        t3 = self.clock()

        # G update, D frozen
        for p in D.parameters():
            p.requires_grad_(False)
        self.opt_g.zero_grad(set_to_none=True)
        with self.autocast():
            with torch.no_grad():
                mu_r, sigma_r = D(real)
            codes = mu_r + sigma_r * torch.randn(b, d, device=dev)
            mu_f, sigma_f = D(G(torch.randn(b, n, device=dev), codes))
            loss_adv = 0.5 * distance(mu_f, sigma_f, *self.prior_c).mean()
            loss_z = (mu_f - mu_r).abs().mean() + (sigma_f - sigma_r).abs().mean()
            loss_g = loss_adv + self.lambda_z * loss_z
        t4 = self.clock()
        loss_g.backward()
        t5 = self.clock()
        self.opt_g.step()
        for p in D.parameters():
            p.requires_grad_(True)
        t6 = self.clock()
        timings = {"d_forward": t1 - t0, "d_backward": t2 - t1, "g_forward": t4 - t3,
                   "g_backward": t5 - t4, "optimizer": (t3 - t2) + (t6 - t5)}
        return loss_d.item(), loss_g.item(), timings


def peak_gemm_gflops(size=2048, repeats=5):
    """A large float32 GEMM through the BLAS that torch.mm uses here."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    torch.mm(a, b)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        torch.mm(a, b)
        best = min(best, time.perf_counter() - t)
    return 2 * size ** 3 / best / 1e9


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--resolution", type=int, default=32)
    p.add_argument("--channels", type=int, default=3)
    p.add_argument("--base-channels", type=int, default=64)
    p.add_argument("--noise-dim", type=int, default=128)
    p.add_argument("--posterior-dim", type=int, default=128)
    p.add_argument("--adain-mode", choices=["statistics", "affine"], default="statistics")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=0,
                   help="intra-op threads; 0 keeps PyTorch's default")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu", help="cpu or cuda[:N]")
    p.add_argument("--precision", choices=["float32", "bf16"], default="float32",
                   help="bf16 autocast of the forward passes")
    p.add_argument("--memory-format", choices=["contiguous", "channels_last"], default="contiguous")
    p.add_argument("--peak", action="store_true", help="also run the GEMM peak probe")
    args = p.parse_args()

    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    step = Step(args)
    real = torch.rand(args.batch, args.channels, args.resolution, args.resolution) * 2 - 1
    fmt = torch.channels_last if args.memory_format == "channels_last" else torch.contiguous_format
    real = real.to(step.device).contiguous(memory_format=fmt)

    for _ in range(args.warmup):
        step(real)
    times, phases = [], []
    for _ in range(args.steps):
        t = step.clock()
        _, _, ph = step(real)
        times.append(step.clock() - t)
        phases.append(ph)
    median = statistics.median(times)
    result = {
        "implementation": "pytorch-eager",
        "train_images_per_second": args.batch / median,
        "step_ms": {"min": min(times) * 1e3, "median": median * 1e3, "max": max(times) * 1e3},
        "phases_ms": {k: statistics.median(ph[k] for ph in phases) * 1e3 for k in phases[0]},
        "threads": torch.get_num_threads(),
        "torch_version": torch.__version__,
        "config": {k: getattr(args, k) for k in
                   ("batch", "resolution", "channels", "base_channels", "noise_dim", "posterior_dim",
                    "adain_mode", "steps", "warmup", "device", "precision", "memory_format")},
    }
    if args.peak:
        result["peak_gflops"] = peak_gemm_gflops()
    json.dump(result, sys.stdout)
    print()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Compare `p2gan forward` with the independent reference (bench/reference/p2gan_reference.py).

usage: /usr/bin/python3 bench/reference/compare_forward.py CHECKPOINT [--batch 4] [--seed 0]
       [--cli artifacts/bin/p2gan] [--tol 1e-4] [--keep DIR]
Exits 1 when any output differs by more than --tol (absolute), 2 on a usage/CLI failure."""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import p2gan_reference as ref  # noqa: E402

OUTS = ["mu_real", "sigma_real", "codes", "fake", "mu_fake", "sigma_fake"]
ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(f"command failed ({r.returncode}): {' '.join(cmd)}\n{r.stdout}{r.stderr}")
        sys.exit(2)


def maxdiff(a, b):
    return float((torch.as_tensor(a) - torch.as_tensor(b)).abs().max())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("checkpoint")
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--cli", default=os.path.join(ROOT, "artifacts", "bin", "p2gan"))
    ap.add_argument("--tol", type=float, default=1e-4)
    ap.add_argument("--keep", default=None, help="work folder to keep (default: a temporary one)")
    a = ap.parse_args()
    torch.set_num_threads(1)

    work = a.keep or tempfile.mkdtemp(prefix="p2gan_refcheck_")
    os.makedirs(work, exist_ok=True)
    st = os.path.join(work, "model.safetensors")
    run([a.cli, "export", "--checkpoint", a.checkpoint, "--out", st])
    model = ref.Reference(st)
    p = model.params
    B, C, R = a.batch, int(p["channels"]), int(p["resolution"])
    n, d = int(p["noise_dim"]), int(p["posterior_dim"])
    rng = np.random.default_rng(a.seed)
    real = rng.uniform(-1, 1, (B, C, R, R)).astype(np.float32)
    noise = rng.standard_normal((B, n)).astype(np.float32)
    e = rng.standard_normal((B, d)).astype(np.float32)
    for name, arr in (("real", real), ("noise", noise), ("e", e)):
        np.save(os.path.join(work, name + ".npy"), np.ascontiguousarray(arr))
    out = os.path.join(work, "out")
    run([a.cli, "forward", "--checkpoint", a.checkpoint, "--real", os.path.join(work, "real.npy"),
         "--noise", os.path.join(work, "noise.npy"), "--posterior-noise", os.path.join(work, "e.npy"),
         "--out", out])
    cli = {k: np.load(os.path.join(out, k + ".npy")) for k in OUTS}
    with open(os.path.join(out, "losses.json")) as f:
        cli_losses = json.load(f)

    print(f"checkpoint {a.checkpoint}: R={R} C={C} c={p['base_channels']} n={n} d={d} "
          f"adain_mode={p['adain_mode']} ema={'yes' if model.G_ema is not None else 'no'} step={model.meta.get('step')}")
    real_t, noise_t, e_t = map(torch.from_numpy, (real, noise, e))
    variants = ["G"] + (["G_ema"] if model.G_ema is not None else [])
    results = {}
    for g in variants:
        results[g] = model.forward(real_t, noise_t, e_t, generator=g)
    # The doc does not say which generator `forward` uses; pick the one that matches best.
    best = min(variants, key=lambda g: maxdiff(results[g]["fake"], cli["fake"]))
    if len(variants) > 1:
        print("  fake max|diff| per generator: " +
              ", ".join(f"{g} {maxdiff(results[g]['fake'], cli['fake']):.3g}" for g in variants) +
              f" -> comparing with {best}")
    r = results[best]
    worst = 0.0
    for k in OUTS:
        if cli[k].shape != tuple(r[k].shape):
            print(f"  {k:10s} SHAPE MISMATCH cli {cli[k].shape} ref {tuple(r[k].shape)}")
            worst = float("inf")
            continue
        md = maxdiff(r[k], cli[k])
        worst = max(worst, md)
        print(f"  {k:10s} max|diff| {md:.3g}   (max|value| {np.abs(cli[k]).max():.3g})")
    for k in ("L_D", "L_adv", "L_z", "L_G"):
        md = abs(r["losses"][k] - float(cli_losses[k]))
        worst = max(worst, md)
        print(f"  {k:10s} cli {float(cli_losses[k]):.7g}  ref {r['losses'][k]:.7g}  |diff| {md:.3g}")

    # Isolate the networks: G on the CLI's codes, D on the CLI's fake.
    with torch.no_grad():
        G = model.G if best == "G" else model.G_ema
        fake_given_codes = G(noise_t, torch.from_numpy(cli["codes"]))
        mu_f, s_f = model.D(torch.from_numpy(cli["fake"]))
    print(f"  isolated: G(cli codes) vs cli fake {maxdiff(fake_given_codes, cli['fake']):.3g}; "
          f"D(cli fake) vs cli mu_fake {maxdiff(mu_f, cli['mu_fake']):.3g}, sigma_fake {maxdiff(s_f, cli['sigma_fake']):.3g}")

    # torch.nn.utils.spectral_norm-wrapped D: load_state_dict(D.* without prefix) and agree in eval mode.
    Dt, res = model.torch_sn_discriminator()
    with torch.no_grad():
        mt, stt = Dt(real_t)
    sn = max(maxdiff(mt, r["mu_real"]), maxdiff(stt, r["sigma_real"]))
    print(f"  torch spectral_norm D: load_state_dict strict ok (missing {list(res.missing_keys)}, "
          f"unexpected {list(res.unexpected_keys)}); vs reference D max|diff| {sn:.3g}")
    worst = max(worst, sn)

    ok = worst <= a.tol
    print(f"  RESULT {'PASS' if ok else 'FAIL'} (worst {worst:.3g}, tol {a.tol:g})")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

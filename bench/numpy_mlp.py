#!/usr/bin/env python3
"""A small program to capture: one training step of a two-layer MLP in numpy, fp32 (forward,
the two weight gradients and the input gradient), batch 512, 1024 -> 4096 -> 1024. README's
`gpubench capture` example runs it."""
import numpy as np

rng = np.random.default_rng(0)
x = rng.standard_normal((512, 1024), dtype=np.float32)
w1 = rng.standard_normal((1024, 4096), dtype=np.float32) * 0.02
w2 = rng.standard_normal((4096, 1024), dtype=np.float32) * 0.02
for step in range(4):
    h = np.maximum(x @ w1, 0)           # 512x4096x1024
    y = h @ w2                          # 512x1024x4096
    dy = (y - x) / len(x)
    dw2 = h.T @ dy                      # 4096x1024x512
    dh = (dy @ w2.T) * (h > 0)          # 512x4096x1024
    dw1 = x.T @ dh                      # 1024x4096x512
    w1 -= 0.01 * dw1
    w2 -= 0.01 * dw2
print(f"loss {float(((y - x) ** 2).mean()):.4f}")

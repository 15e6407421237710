"""Where the time of a BlazePose inference and training step goes, per operator and input shape, on
the CPU: PyTorch's profiler on the reference BlazePose beside the project (../shared/anchor). It is the
same architecture and the same LibTorch kernels as kplab's `blazepose`, in the same torch build (the
project venv's). Run it on a quiet machine. It answers where a speed-up has to come from (issue #19):
  - depthwise against pointwise convolutions;
  - the convolutions against the elementwise work;
  - the optimizer step against the backward pass.

  .venv/bin/python tools/py/profile_anchor.py [--anchor ../shared/anchor] [--size 256] [--threads 2]
      [--layout channels_last] [--batch 16] [--out DIR]

Writes DIR/infer_SIZE.txt (batch 1, coords + visibility, inference mode) and DIR/train_SIZE.txt
(batch --batch, forward + the three losses + backward + Adam step): each the profiler's table by
operator, then by operator and input shapes, self CPU time, 20 rows.
"""
import argparse
import os
import sys

import torch
import torch.nn.functional as F


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--anchor", default=os.environ.get("KPLAB_ANCHOR", "../shared/anchor"))
    ap.add_argument("--size", type=int, default=256)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--layout", choices=["nchw", "channels_last"], default="channels_last")
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--out", default="runs/profile")
    a = ap.parse_args()
    if not os.path.isfile(os.path.join(a.anchor, "model.py")):
        sys.exit(f"{a.anchor}/model.py: expected the reference BlazePose (../shared/anchor), found none")
    sys.path.insert(0, os.path.abspath(a.anchor))
    from model import RegOnly, make_model  # noqa: E402

    torch.set_num_threads(a.threads)
    mf = torch.channels_last if a.layout == "channels_last" else torch.contiguous_format
    os.makedirs(a.out, exist_ok=True)
    from torch.profiler import ProfilerActivity, profile

    def report(prof, path, title):
        with open(path, "w") as f:
            f.write(f"{title}\ntorch {torch.__version__}, {a.threads} threads, layout {a.layout}\n\n")
            f.write(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20))
            f.write("\n\nby input shape:\n")
            f.write(prof.key_averages(group_by_input_shape=True).table(sort_by="self_cpu_time_total", row_limit=20))
        print(f"wrote {path}")

    m = make_model().eval().to(memory_format=mf)
    f = RegOnly(m).eval()
    x = torch.rand(1, 3, a.size, a.size).to(memory_format=mf)
    with torch.inference_mode():
        for _ in range(10):
            f(x)
        with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
            for _ in range(a.runs):
                f(x)
    report(prof, os.path.join(a.out, f"infer_{a.size}.txt"),
           f"inference, batch 1, {a.size}x{a.size}, coords + visibility, {a.runs} runs (times summed over them)")

    m = make_model().train().to(memory_format=mf)
    opt = torch.optim.Adam(m.parameters(), lr=1e-3)
    g = torch.Generator().manual_seed(1)
    x = torch.rand(a.batch, 3, a.size, a.size, generator=g).to(memory_format=mf)
    hm_t = torch.rand(a.batch, 14, a.size // 2, a.size // 2, generator=g)
    co_t = torch.rand(a.batch, 14, 2, generator=g)
    vis_t = (torch.rand(a.batch, 14, generator=g) > 0.5).float()

    def step():
        opt.zero_grad(set_to_none=True)
        coords, vis, heat = m(x)
        loss = F.binary_cross_entropy(heat, hm_t) + F.mse_loss(coords, co_t) + F.binary_cross_entropy(vis, vis_t)
        loss.backward()
        opt.step()

    for _ in range(2):
        step()
    runs = max(1, a.runs // 4)
    with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
        for _ in range(runs):
            step()
    report(prof, os.path.join(a.out, f"train_{a.size}.txt"),
           f"training step, batch {a.batch}, {a.size}x{a.size}, {runs} steps (times summed over them)")


if __name__ == "__main__":
    main()

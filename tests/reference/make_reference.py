#!/usr/bin/python3
"""Regenerates the reference trajectories in tests/reference/ from torch.optim.

Run:  /usr/bin/python3 tests/reference/make_reference.py
(needs Debian's python3-torch, torch 1.13). The script re-executes itself with
ATEN_CPU_CAPABILITY=default so ATen uses its plain scalar kernels: the SIMD
kernels (AVX2, AVX-512) sum reductions such as the gradient norm in a
different order, and the C code follows the scalar order. Everything runs in
float64 (torch.set_default_dtype).

Each case writes <name>.csv in the format of `optbench trace`:
step,loss,x0,x1,... with row 0 the start and row k the point after k updates,
numbers as '%.17g'. cases.csv lists every case for tests/test_optim.c.

How the pieces match the C side:
- Gradients are not taken by autograd: each problem's loss and gradient are
  computed with Python floats in the exact order of the C problem file, then
  assigned to p.grad, so only the optimizer can differ.
- Clipping calls torch.nn.utils.clip_grad_value_ and then clip_grad_norm_
  before optimizer.step(), the order of ob_optimizer_step.
- Learning-rate schedules use the closed forms of src/optim/schedule.c,
  written into param_group['lr'] before each step. torch's chainable
  schedulers compute the rate recursively, and CosineAnnealingLR rises again
  after T_max where ours holds at eta_min; torch has no warm-up or
  inverse-time schedule. check_schedulers() prints how far StepLR,
  ExponentialLR and CosineAnnealingLR (up to T_max) are from the closed form.
- NAdam: torch 1.13 has a bug fixed in torch 2.0, so nadam cases use
  corrected_nadam_step below; see its comment.
"""

import os
import sys

if os.environ.get("ATEN_CPU_CAPABILITY") != "default":
    os.environ["ATEN_CPU_CAPABILITY"] = "default"
    os.execv(sys.executable, [sys.executable] + sys.argv)

import csv
import math

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)

HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 200
QUADRATIC_H = (1.0, 10.0, 100.0, 1000.0)


# Problems: the exact arithmetic of problems/functions/*.c.

def rosenbrock(x):
    """2-D Rosenbrock, as problems/functions/rosenbrock.c (n = 2)."""
    loss = 0.0
    a = 1.0 - x[0]
    b = x[1] - x[0] * x[0]
    loss += a * a + 100.0 * (b * b)
    grad = [0.0, 0.0]
    grad[0] += -2.0 * a - 400.0 * x[0] * b
    grad[1] += 200.0 * b
    return loss, grad


def quadratic(x):
    """sum_i 0.5 h_i x_i^2, as problems/functions/quadratic.c."""
    loss = 0.0
    grad = []
    for h, xi in zip(QUADRATIC_H, x):
        loss += 0.5 * h * xi * xi
        grad.append(h * xi)
    return loss, grad


PROBLEMS = {
    "rosenbrock": (rosenbrock, [-1.5, 2.0], ""),
    "quadratic": (quadratic, [1.0, 1.0, 1.0, 1.0], "h=1,10,100,1000"),
}


# Learning-rate schedules: the closed forms of src/optim/schedule.c.

COMMON_DEFAULTS = {"schedule": "constant", "step_size": 100.0, "gamma": 0.5,
                   "t_max": 1000.0, "eta_min": 0.0, "warmup_steps": 0.0}


def scheduled_lr(lr, common, done):
    k = float(done)
    kind = common["schedule"]
    step_size = common["step_size"]
    gamma = common["gamma"]
    if kind == "step":
        lr = lr * gamma ** math.floor(k / step_size)
    elif kind == "exponential":
        lr = lr * gamma ** (k / step_size)
    elif kind == "inverse-time":
        lr = lr / (1.0 + gamma * (k / step_size))
    elif kind == "cosine":
        eta_min = common["eta_min"]
        t = min(k, common["t_max"])
        lr = eta_min + (lr - eta_min) * \
            (1.0 + math.cos(math.pi * t / common["t_max"])) / 2.0
    warmup = common["warmup_steps"]
    if warmup > 0.0:
        lr = lr * min(1.0, (k + 1.0) / warmup)
    return lr


def check_schedulers():
    """Largest relative gap between torch's recursive schedulers and our
    closed forms over 200 steps (cosine only up to T_max)."""
    def gap(make, common, lr, steps):
        p = torch.nn.Parameter(torch.zeros(1))
        opt = torch.optim.SGD([p], lr=lr)
        sched = make(opt)
        worst = 0.0
        for done in range(steps):
            ours = scheduled_lr(lr, common, done)
            theirs = opt.param_groups[0]["lr"]
            worst = max(worst, abs(ours - theirs) / abs(ours))
            opt.step()
            sched.step()
        return worst

    common = dict(COMMON_DEFAULTS)
    results = {}
    results["StepLR(50, 0.5)"] = gap(
        lambda o: torch.optim.lr_scheduler.StepLR(o, 50, 0.5),
        dict(common, schedule="step", step_size=50.0, gamma=0.5), 0.1, STEPS)
    results["ExponentialLR(0.99)"] = gap(
        lambda o: torch.optim.lr_scheduler.ExponentialLR(o, 0.99),
        dict(common, schedule="exponential", step_size=1.0, gamma=0.99), 0.1,
        STEPS)
    results["CosineAnnealingLR(150, 1e-3)"] = gap(
        lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, 150, 1e-3),
        dict(common, schedule="cosine", t_max=150.0, eta_min=1e-3), 0.1, 151)
    return results


# NAdam with torch 2.0's correction.
#
# torch 1.13 (_single_tensor_nadam), per step t:
#     mu_product *= mu                              # P_t = mu_1 ... mu_t
#     mu_product_next = mu_product * mu * mu_next   # P_t * mu_t * mu_{t+1}
#     ... value=-lr * mu_next / (1 - mu_product_next)
# so the momentum term divides by 1 - P_t mu_t mu_{t+1}: mu_t is counted
# twice. torch 2.0 divides by 1 - P_t mu_{t+1}. Below is 1.13's code with
# only that line changed; `buggy=True` restores 1.13 so main() can check this
# function against torch.optim.NAdam itself.

def corrected_nadam_step(param, grad, state, lr, beta1, beta2, eps,
                         weight_decay, momentum_decay, buggy=False):
    if not state:
        state["step"] = 0.0
        state["mu_product"] = torch.tensor(1.0)
        state["exp_avg"] = torch.zeros_like(param)
        state["exp_avg_sq"] = torch.zeros_like(param)
    exp_avg = state["exp_avg"]
    exp_avg_sq = state["exp_avg_sq"]
    mu_product = state["mu_product"]
    state["step"] += 1.0
    step = state["step"]

    bias_correction2 = 1 - beta2 ** step
    if weight_decay != 0:
        grad = grad.add(param, alpha=weight_decay)
    mu = beta1 * (1. - 0.5 * (0.96 ** (step * momentum_decay)))
    mu_next = beta1 * (1. - 0.5 * (0.96 ** ((step + 1) * momentum_decay)))
    mu_product *= mu
    if buggy:
        mu_product_next = mu_product * mu * mu_next
    else:
        mu_product_next = mu_product * mu_next
    exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
    exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    denom = exp_avg_sq.div(bias_correction2).sqrt().add_(eps)
    param.addcdiv_(grad, denom,
                   value=-lr * (1. - mu) / (1. - mu_product.item()))
    param.addcdiv_(exp_avg, denom,
                   value=-lr * mu_next / (1. - mu_product_next.item()))


class CorrectedNAdam:
    """Just enough of the torch.optim interface for run_case."""

    def __init__(self, params, lr=2e-3, betas=(0.9, 0.999), eps=1e-8,
                 weight_decay=0, momentum_decay=4e-3, buggy=False):
        self.params = list(params)
        self.param_groups = [dict(lr=lr)]
        self.hyper = dict(beta1=betas[0], beta2=betas[1], eps=eps,
                          weight_decay=weight_decay,
                          momentum_decay=momentum_decay, buggy=buggy)
        self.state = [dict() for _ in self.params]

    @torch.no_grad()
    def step(self):
        for p, state in zip(self.params, self.state):
            corrected_nadam_step(p, p.grad, state,
                                 self.param_groups[0]["lr"], **self.hyper)


# Optimizers by our name: builds the torch optimizer from our KEY=VALUE
# settings (betas split into beta1 and beta2; booleans as 0/1).

OWN_KEYS = {
    "sgd": {"lr": 1e-3, "momentum": 0.0, "dampening": 0.0, "nesterov": 0,
            "weight_decay": 0.0},
    "adagrad": {"lr": 1e-2, "lr_decay": 0.0, "weight_decay": 0.0,
                "initial_accumulator_value": 0.0, "eps": 1e-10},
    "rmsprop": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8, "weight_decay": 0.0,
                "momentum": 0.0, "centered": 0},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-6, "weight_decay": 0.0},
    "adam": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
             "weight_decay": 0.0, "amsgrad": 0},
    "adamw": {"lr": 1e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
              "weight_decay": 1e-2, "amsgrad": 0},
    "adamax": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
               "weight_decay": 0.0},
    "nadam": {"lr": 2e-3, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8,
              "weight_decay": 0.0, "momentum_decay": 4e-3},
}

BOOL_KEYS = {"nesterov", "centered", "amsgrad"}


def make_optimizer(name, hp, params):
    kw = dict(hp)
    for key in BOOL_KEYS & kw.keys():
        kw[key] = bool(kw[key])
    if "beta1" in kw:
        kw["betas"] = (kw.pop("beta1"), kw.pop("beta2"))
    if name == "nadam":
        return CorrectedNAdam(params, **kw)
    cls = {"sgd": torch.optim.SGD, "adagrad": torch.optim.Adagrad,
           "rmsprop": torch.optim.RMSprop, "adadelta": torch.optim.Adadelta,
           "adam": torch.optim.Adam, "adamw": torch.optim.AdamW,
           "adamax": torch.optim.Adamax}[name]
    # foreach=False: the single-tensor code path, which the C code mirrors.
    return cls(params, foreach=False, **kw)


def parse_settings(text):
    settings = {}
    for item in text.split():
        key, value = item.split("=", 1)
        settings[key] = value
    return settings


def run_case(optimizer, settings_text, problem, steps, make=make_optimizer):
    """Returns the trajectory rows [step, loss, x0, ...] of one case."""
    func, start, _ = PROBLEMS[problem]
    hp = dict(OWN_KEYS[optimizer])
    common = dict(COMMON_DEFAULTS)
    for key, value in parse_settings(settings_text).items():
        if key in hp:
            hp[key] = float(value)
        elif key == "schedule":
            common[key] = value
        elif key in common or key in ("clip_norm", "clip_value"):
            common[key] = float(value)
        else:
            raise KeyError("%s: unknown key %s" % (optimizer, key))
    base_lr = hp["lr"]

    p = torch.nn.Parameter(torch.tensor(start))
    opt = make(optimizer, hp, [p])
    x = p.detach().tolist()
    loss, grad = func(x)
    rows = [[0, loss] + x]
    for done in range(steps):
        p.grad = torch.tensor(grad)
        if common.get("clip_value", 0.0) > 0.0:
            torch.nn.utils.clip_grad_value_([p], common["clip_value"])
        if common.get("clip_norm", 0.0) > 0.0:
            torch.nn.utils.clip_grad_norm_([p], common["clip_norm"])
        opt.param_groups[0]["lr"] = scheduled_lr(base_lr, common, done)
        opt.step()
        x = p.detach().tolist()
        loss, grad = func(x)
        rows.append([done + 1, loss] + x)
    return rows


# The cases: (optimizer, settings, problems).

CASES = [
    ("sgd", "lr=0.0002", ["rosenbrock"]),
    ("sgd", "lr=0.0015", ["quadratic"]),
    ("sgd", "lr=0.0001 momentum=0.9 dampening=0.1 weight_decay=0.01",
     ["rosenbrock"]),
    ("sgd", "lr=0.001 momentum=0.9 dampening=0.1 weight_decay=0.01",
     ["quadratic"]),
    ("sgd", "lr=0.0001 momentum=0.9 nesterov=1", ["rosenbrock", "quadratic"]),
    ("adagrad", "lr=0.1", ["rosenbrock", "quadratic"]),
    ("adagrad", "lr=0.5 lr_decay=0.01 initial_accumulator_value=0.1 "
     "weight_decay=0.001", ["rosenbrock", "quadratic"]),
    ("rmsprop", "lr=0.001", ["rosenbrock", "quadratic"]),
    ("rmsprop", "lr=0.001 alpha=0.9 momentum=0.5 centered=1 weight_decay=0.01",
     ["rosenbrock", "quadratic"]),
    ("adadelta", "lr=1", ["rosenbrock", "quadratic"]),
    ("adadelta", "lr=2 rho=0.95 eps=1e-05 weight_decay=0.01",
     ["rosenbrock", "quadratic"]),
    ("adam", "lr=0.01", ["rosenbrock", "quadratic"]),
    ("adam", "lr=0.05 beta1=0.8 beta2=0.99 weight_decay=0.01 amsgrad=1",
     ["rosenbrock", "quadratic"]),
    ("adamw", "lr=0.01", ["rosenbrock", "quadratic"]),
    ("adamw", "lr=0.05 weight_decay=0.1 amsgrad=1",
     ["rosenbrock", "quadratic"]),
    ("adamax", "lr=0.01", ["rosenbrock", "quadratic"]),
    ("adamax", "lr=0.05 beta1=0.85 weight_decay=0.01",
     ["rosenbrock", "quadratic"]),
    ("nadam", "lr=0.01", ["rosenbrock", "quadratic"]),
    ("nadam", "lr=0.05 beta2=0.99 momentum_decay=0.01 weight_decay=0.01",
     ["rosenbrock", "quadratic"]),
    # Wrappers: clipping, schedules and warm-up.
    ("sgd", "lr=0.001 momentum=0.9 clip_norm=10", ["rosenbrock"]),
    ("adam", "lr=0.02 clip_value=1", ["rosenbrock"]),
    ("rmsprop", "lr=0.002 clip_value=50 clip_norm=20", ["quadratic"]),
    ("sgd", "lr=0.0003 momentum=0.5 schedule=step step_size=50 gamma=0.5",
     ["rosenbrock"]),
    ("adam", "lr=0.05 schedule=exponential step_size=10 gamma=0.9",
     ["rosenbrock"]),
    ("adamw", "lr=0.05 schedule=cosine t_max=150 eta_min=0.001",
     ["rosenbrock"]),
    ("adagrad", "lr=0.5 schedule=inverse-time step_size=20 gamma=0.5",
     ["quadratic"]),
    ("nadam", "lr=0.05 schedule=cosine t_max=180 warmup_steps=20",
     ["rosenbrock"]),
]


def case_file_name(optimizer, settings_text, problem, taken):
    parts = [optimizer]
    for item in settings_text.split():
        key, value = item.split("=", 1)
        if key != "lr":
            parts.append(key if value == "1" and key in BOOL_KEYS
                         else key + value)
    base = "_".join(parts + [problem])
    name, k = base, 2
    while name in taken:
        name = "%s_%d" % (base, k)
        k += 1
    taken.add(name)
    return name + ".csv"


def write_atomic(path, write):
    tmp = path + ".tmp"
    with open(tmp, "w", newline="") as f:
        write(f)
    os.replace(tmp, path)


def write_trajectory(path, rows):
    dim = len(rows[0]) - 2
    header = ["step", "loss"] + ["x%d" % i for i in range(dim)]

    def write(f):
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write("%d," % row[0] +
                    ",".join("%.17g" % v for v in row[1:]) + "\n")
    write_atomic(path, write)


def check_buggy_nadam():
    """corrected_nadam_step(buggy=True) must reproduce torch 1.13's NAdam
    bit for bit, which shows the correction is the only change."""
    def torch_nadam(name, hp, params):
        kw = dict(hp)
        kw["betas"] = (kw.pop("beta1"), kw.pop("beta2"))
        return torch.optim.NAdam(params, foreach=False, **kw)

    def buggy_nadam(name, hp, params):
        kw = dict(hp)
        kw["betas"] = (kw.pop("beta1"), kw.pop("beta2"))
        return CorrectedNAdam(params, buggy=True, **kw)

    settings = "lr=0.05 beta2=0.99 momentum_decay=0.01 weight_decay=0.01"
    for problem in PROBLEMS:
        ours = run_case("nadam", settings, problem, STEPS, buggy_nadam)
        theirs = run_case("nadam", settings, problem, STEPS, torch_nadam)
        if ours != theirs:
            raise SystemExit("corrected_nadam_step(buggy=True) differs from "
                             "torch.optim.NAdam on " + problem)


def main():
    check_buggy_nadam()
    for name, gap in check_schedulers().items():
        print("torch %s vs closed form: max relative gap %.3g" % (name, gap),
              file=sys.stderr)

    taken = set()
    index = []
    for optimizer, settings, problems in CASES:
        for problem in problems:
            rows = run_case(optimizer, settings, problem, STEPS)
            if not all(math.isfinite(v) for row in rows for v in row):
                raise SystemExit("%s %s on %s is not finite"
                                 % (optimizer, settings, problem))
            file_name = case_file_name(optimizer, settings, problem, taken)
            write_trajectory(os.path.join(HERE, file_name), rows)
            index.append([file_name, optimizer, settings, problem,
                          PROBLEMS[problem][2], STEPS])

    def write(f):
        out = csv.writer(f, lineterminator="\n")
        out.writerow(["file", "optimizer", "params", "problem",
                      "problem_params", "steps"])
        out.writerows(index)
    write_atomic(os.path.join(HERE, "cases.csv"), write)

    # Trajectories of cases that were renamed or dropped would linger.
    written = {row[0] for row in index} | {"cases.csv"}
    for name in os.listdir(HERE):
        if name.endswith(".csv") and name not in written:
            os.remove(os.path.join(HERE, name))
    print("wrote %d cases to %s" % (len(index), HERE), file=sys.stderr)


if __name__ == "__main__":
    main()

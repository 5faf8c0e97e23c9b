"""Benchmark of the command's start-up (issue 15; not a test): the whole process of
``zhongchuang evaluate`` on the example of CONTRACTS §2 against the import floor, a process
that only imports what the project stands on: ``python -c "import flask, flask_admin,
sqlalchemy, xhtml2pdf"``.

Both run as fresh processes of this interpreter, interleaved (A B A B …, after one warm-up
each), so a machine whose speed drifts does not favour one side. Printed, for the wall time
and for the CPU time (user + system, steadier on a busy machine): each side's median, the
ratio of the medians and the median of the per-round ratios. Goal: ≤ 1.5× (wall time).

    .venv/bin/python benchmarks/cli.py [--rounds 10] [--database-url URL] [--checkout PATH]
                                       [--no-bytecode-cache]

The database is a fresh SQLite file in a temporary folder, migrated by ``zhongchuang db
upgrade`` (no bureau data: the plugin's policy answers alone); ``--database-url`` takes an
existing, migrated database instead (e.g. PostgreSQL). ``--checkout`` measures another
checkout of the project (the commit before a change, say). The project's bytecode is compiled
once (into the scratch folder) and reused, as in an installed package; ``--no-bytecode-cache``
measures with PYTHONDONTWRITEBYTECODE=1, which compiles the project's sources in every run.
"""
from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "tests" / "data" / "kunming-comprehensive-service.json"
ZHONGCHUANG = [sys.executable, "-c", "from core.cli import main; main()"]
EVALUATE = [*ZHONGCHUANG, "evaluate", "--jurisdiction", "kunming", "--category", "comprehensive_service",
            "--as-of", "2026-11-23", str(EXAMPLE)]
FLOOR = [sys.executable, "-c", "import flask, flask_admin, sqlalchemy, xhtml2pdf"]


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _run(args: list[str], env: dict) -> tuple[float, float]:
    """The process's wall time and CPU time (user + system), in seconds."""
    started, cpu = time.perf_counter(), _cpu()
    done = subprocess.run(args, env=env, cwd=env["PYTHONPATH"], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[3:]) or args[-1]}: exit {done.returncode}\n{done.stderr}")
    return elapsed, _cpu() - cpu


def _report(what: str, project: list[float], floor: list[float]) -> None:
    ratios = [p / f for p, f in zip(project, floor)]
    print(f"{what}: zhongchuang evaluate median {statistics.median(project):.3f} s "
          f"(min {min(project):.3f}, max {max(project):.3f}); "
          f"import floor median {statistics.median(floor):.3f} s (min {min(floor):.3f}, max {max(floor):.3f})")
    print(f"  ratio of the medians {statistics.median(project) / statistics.median(floor):.2f}; "
          f"per round: median {statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}); "
          f"goal <= 1.5")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--database-url", default=None, help="a migrated database (default: a fresh SQLite file)")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the checkout to measure (e.g. another worktree)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="PYTHONDONTWRITEBYTECODE=1: compile the project's sources on every run")
    options = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="zc-bench-cli-"))
    env = {k: v for k, v in os.environ.items()
           if k not in ("ZHONGCHUANG_JURISDICTIONS", "FLASK_APP", "PYTHONDONTWRITEBYTECODE")}
    if options.no_bytecode_cache:  # every run compiles the project's sources, as the issue measured
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    else:
        # Compiled bytecode, as an installed package has it (pip compiles at install), kept in
        # the scratch folder, not the checkout (the warm-up runs fill it, for the libraries too).
        env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    env.update(PYTHONPATH=str(options.checkout.resolve()), ZHONGCHUANG_INSTANCE=str(scratch / "instance"),
               DATABASE_URL=options.database_url or f"sqlite:///{scratch / 'bench.sqlite'}")
    if options.database_url is None:
        _run([*ZHONGCHUANG, "db", "upgrade"], env)

    print(f"{options.checkout.resolve()}: {'no bytecode cache, ' if options.no_bytecode_cache else ''}"
          f"python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} before the run")
    _run(EVALUATE, env), _run(FLOOR, env)  # warm-up: bytecode caches, the file system's
    project, floor = [], []
    for _ in range(options.rounds):
        project.append(_run(EVALUATE, env))
        floor.append(_run(FLOOR, env))
    _report("wall time", [p[0] for p in project], [f[0] for f in floor])
    _report("CPU time (user + system)", [p[1] for p in project], [f[1] for f in floor])
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} after the run")


if __name__ == "__main__":
    main()

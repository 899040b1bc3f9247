#!/usr/bin/env python3
"""Benchmark harness (targets: product.md §8): generates the inventories S, M, L and XL with
`sgcheck gen` (PRESETS: S and L are gen's presets, M and XL its --groups and --interfaces) into a
temporary directory (never the repository), or reuses a generated directory (--inventory), runs
every measurement on each several times, side by side in one invocation, and prints three tables:
every measurement (median, min and max, peak memory against the input size, the ratio to the bare
simdjson scan, bench/simdjson_scan.cc, the speed of light for ingest), the curve (ingest, lint and a
1M-flow batch per inventory, and XL/L), and product.md §8's current targets with PASS or MISS.

    bench/run.py [--build build-perf] [--runs 5] [--presets S,L] [--seed 1] [--flows N]
                 [--inventory NAME=DIR ...] [--matrix-timeout 60] [--keep DIR] [--skip WORD,...]
                 [--templates 1000]

The build directory must be configured with -Dbench=true (for simdjson_scan); without it the
baseline rows and ratios are left out. Measurements, per preset:

  baseline scan        simdjson_scan INV (whole process)
  ingest               sgcheck dump --stats INV (whole process), ratio to the baseline
  lint                 sgcheck lint INV (only when `sgcheck lint` exists), ratio to the baseline
  query --batch count  decisions/s after load: --format count (verdicts only, no output)
  query --batch jsonl  decisions/s after load with JSON Lines output (to /dev/null)
  … --jobs 2           the same on two threads
  … (1M flows)         count and JSON Lines: 1,000,000 / (median T(1M) - median T(1)), T the
                       whole-process wall time of a batch of 1,000,000 flows and of 1 flow (load
                       and compile cancel out); the runs of the two alternate
  matrix               sgcheck matrix INV --service tcp/443 (whole process), with a timeout
  diff                 sgcheck diff INV INV-changed (whole process), a copy of INV with 1% of its
                       atomic rules changed (a TCP rule's ToPort widened by one), ratio to lint
  small file           whole-process time of `lint` (or `query`) on examples/three-tier
  templates            `sgcheck lint DIR` over 1,000 small CloudFormation templates in one run
                       (copies of the corpus's deployable templates of at most 20 KB, so logical
                       ids repeat across files): wall and CPU seconds of the whole process

The --flows rows' throughputs come from `query --batch --stats` (stderr: the decide phase alone,
after the inventory is loaded and compiled), in decisions per CPU-second, with the wall-clock rate
in the notes; the (1M flows) rows are whole-process wall times, so they also count parsing the flow
lines and writing the output; other times are wall-clock seconds of the whole process.
"""
import argparse
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Sequence, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SMALL = os.path.join(ROOT, "examples", "three-tier")
CORPUS = os.path.join(ROOT, "tests", "corpus")

# The inventories of the curve, as `sgcheck gen` arguments (with --seed): S and L are gen's presets,
# M and XL the sizes between and beyond them, for the curve (XL is about 1.3 GB).
PRESETS = {
    "S": ["--preset", "S"],
    "M": ["--groups", "1000", "--interfaces", "5000"],
    "L": ["--preset", "L"],
    "XL": ["--groups", "100000", "--interfaces", "500000"],
}
# Flows in the batch whose time, less that of a one-flow batch, gives the throughput rows.
MILLION = 1_000_000


@dataclass
class Tools:
    sgcheck: str
    scan: Optional[str]  # bench/simdjson_scan, when built
    has_lint: bool
    has_diff: bool = False


@dataclass
class Measurement:
    name: str
    argv: Callable[[Tools, str, str], List[str]]  # (tools, inventory dir, flows file) -> argv
    ok_status: Sequence[int] = (0,)
    # None: wall seconds; else a regex on stderr whose group(1) is the figure (e.g. decisions/s).
    figure: Optional[str] = None
    unit: str = "s"
    ratio_to: Optional[str] = None  # name of the measurement this one is divided by
    when: Callable[[Tools], bool] = lambda tools: True
    timeout: Optional[float] = None
    refusal: Optional[int] = None  # an exit status that means "refused" (a limit), noted, not fatal
    cpu: bool = False  # also note the median CPU seconds (user + system) of the process
    # Whole-process throughput: argv is run on the 1-flow and the 1M-flow batch (the `fl` argument),
    # the figure is MILLION / (median T(1M) - median T(1)).
    batch_throughput: bool = False
    # Left out on larger inputs (with a note), for measurements whose preparation does not scale.
    max_input_mb: Optional[float] = None


# The per-core figure: decisions per CPU-second of the decide phase (on a shared machine the wall
# figure also counts the time other processes held the cores; it goes in the notes).
DECISIONS = r"decisions/cpu-s (\d+)"
DECISIONS_WALL = r"decisions/s (\d+)"

MEASUREMENTS = [
    Measurement("baseline scan (simdjson on-demand)", lambda t, inv, fl: [t.scan, inv],
                when=lambda t: t.scan is not None),
    Measurement("ingest (dump --stats)", lambda t, inv, fl: [t.sgcheck, "dump", "--stats", inv],
                ratio_to="baseline scan (simdjson on-demand)"),
    Measurement("lint (whole catalogue)", lambda t, inv, fl: [t.sgcheck, "lint", inv],
                ok_status=(0, 1), ratio_to="baseline scan (simdjson on-demand)",
                when=lambda t: t.has_lint),
    Measurement("query --batch --format count",
                lambda t, inv, fl: [t.sgcheck, "query", "--batch", fl, inv, "--format", "count",
                                    "--stats"],
                ok_status=(0, 1), figure=DECISIONS, unit="decisions/cpu-s"),
    Measurement("query --batch (JSON Lines)",
                lambda t, inv, fl: [t.sgcheck, "query", "--batch", fl, inv, "--stats"],
                ok_status=(0, 1), figure=DECISIONS, unit="decisions/cpu-s"),
    Measurement("query --batch (JSON Lines) --jobs 2",
                lambda t, inv, fl: [t.sgcheck, "query", "--batch", fl, inv, "--stats", "--jobs",
                                    "2"],
                ok_status=(0, 1), figure=DECISIONS, unit="decisions/cpu-s"),
    Measurement("query --batch count (1M flows)",
                lambda t, inv, fl: [t.sgcheck, "query", "--batch", fl, inv, "--format", "count"],
                ok_status=(0, 1), unit="flows/s", batch_throughput=True),
    Measurement("query --batch JSON Lines (1M flows)",
                lambda t, inv, fl: [t.sgcheck, "query", "--batch", fl, inv],
                ok_status=(0, 1), unit="flows/s", batch_throughput=True),
    # The changed copy is written through Python's json, which needs several times the file.
    Measurement("diff against 1% of rules changed",
                lambda t, inv, fl: [t.sgcheck, "diff", inv, inv + "-changed"],
                ok_status=(0, 1), ratio_to="lint (whole catalogue)", when=lambda t: t.has_diff,
                max_input_mb=1000),
    Measurement("matrix --service tcp/443",
                lambda t, inv, fl: [t.sgcheck, "matrix", inv, "--service", "tcp/443"],
                ok_status=(0, 2), refusal=2),
]

# Whole-process time of one command on a small input (the pre-commit case).
SMALL_FILE = [
    Measurement("small file: lint examples/three-tier",
                lambda t, inv, fl: [t.sgcheck, "lint", SMALL], ok_status=(0, 1),
                when=lambda t: t.has_lint),
    Measurement("small file: query examples/three-tier",
                lambda t, inv, fl: [t.sgcheck, "query", SMALL,
                                    "tcp/443 from 198.51.100.9 to eni-0a1b2c3d4e5f60101"],
                ok_status=(0, 1)),
]


@dataclass
class Result:
    preset: str
    name: str
    values: List[float] = field(default_factory=list)
    wall: List[float] = field(default_factory=list)  # decisions/s by wall clock, when measured
    unit: str = "s"
    peak_rss_mb: float = 0.0
    input_mb: float = 0.0
    note: str = ""
    cpu: List[float] = field(default_factory=list)  # CPU seconds per run, when measured
    # (median, min, max) when they are not those of `values` (the 1M-flow throughputs).
    summary: Optional[Tuple[float, float, float]] = None
    seconds: List[float] = field(default_factory=list)  # whole-process time of the 1M-flow runs


class TimedOut(Exception):
    pass


def timed_run(argv: List[str], ok_status: Sequence[int], timeout: Optional[float] = None):
    """Runs argv with stdout discarded; returns (wall seconds, stderr text, exit status)."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
            raise TimedOut()
        seconds = time.perf_counter() - start
        err.seek(0)
        stderr = err.read().decode(errors="replace")
    if process.returncode not in ok_status:
        sys.exit(f"bench: {' '.join(argv)} exited {process.returncode}\n{stderr}")
    return seconds, stderr, process.returncode


def peak_rss_mb(argv: List[str], ok_status: Sequence[int], timeout: Optional[float]) -> float:
    """Max RSS of one run of argv alone, through /usr/bin/time (RUSAGE_CHILDREN is cumulative)."""
    if not os.access("/usr/bin/time", os.X_OK):
        return 0.0
    try:
        out = subprocess.run(["/usr/bin/time", "-f", "maxrss %M"] + argv,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        return 0.0
    if out.returncode not in ok_status:
        return 0.0
    m = re.search(r"maxrss (\d+)", out.stderr.decode(errors="replace"))
    # %M is in KiB; MB here is 10^6 bytes, as the input's size is, so RSS/input is a ratio of bytes.
    return int(m.group(1)) * 1024 / 1e6 if m else 0.0


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def write_templates(out: str, count: int) -> None:
    """count small CloudFormation templates in out: the corpus templates that deploy (not in
    expected-invalid.txt) of at most 20 KB, copied in turn under numbered names, so that the
    logical ids of one template recur in many files, as in a real repository."""
    with open(os.path.join(CORPUS, "expected-invalid.txt"), encoding="utf-8") as f:
        invalid = {line.split()[0] for line in f if line.strip() and not line.startswith("#")}
    sources = []
    for base, _, files in os.walk(os.path.join(CORPUS, "cloudformation")):
        for name in files:
            path = os.path.join(base, name)
            if (name.endswith((".json", ".yaml", ".yml", ".template"))
                    and os.path.relpath(path, CORPUS) not in invalid
                    and os.path.getsize(path) <= 20_000):
                sources.append(path)
    sources.sort()
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        source = sources[i % len(sources)]
        shutil.copyfile(source, os.path.join(out, "%04d-%s" % (i, os.path.basename(source))))


def directory_mb(path: str) -> float:
    total = 0
    for base, _, files in os.walk(path):
        total += sum(os.path.getsize(os.path.join(base, f)) for f in files)
    return total / 1e6


def generate(sgcheck: str, preset: str, seed: int, out: str) -> Result:
    flags = PRESETS[preset]
    result = Result(preset, "gen " + " ".join(flags))
    seconds, _, _ = timed_run(
        [sgcheck, "gen"] + flags + ["--seed", str(seed), "--out", out, "--quiet"], (0,))
    result.values.append(seconds)
    result.input_mb = directory_mb(out)
    result.note = "1 run"
    return result


def reuse(preset: str, directory: str, link: str) -> Result:
    """A generated inventory given with --inventory: linked as `link` in the work directory (so
    that the changed copy and the flow files go beside it, never into it), not regenerated."""
    if os.path.realpath(link) != os.path.realpath(directory):
        if os.path.islink(link):
            os.unlink(link)
        shutil.rmtree(link, ignore_errors=True)
        os.symlink(os.path.abspath(directory), link)
    return Result(preset, "inventory " + directory, input_mb=directory_mb(directory),
                  note="given, not generated")


def write_changed_copy(inventory: str, out: str, share: float, seed: int) -> None:
    """A copy of the inventory with `share` of its atomic rules changed: TCP permissions chosen at
    random get ToPort + 1 (each changes as many atomic rules as it has peers)."""
    shutil.rmtree(out, ignore_errors=True)
    shutil.copytree(inventory, out)
    path = os.path.join(out, "security-groups.json")
    with open(path) as f:
        doc = json.load(f)
    peers = ("IpRanges", "Ipv6Ranges", "UserIdGroupPairs", "PrefixListIds")
    perms = [p for g in doc["SecurityGroups"] for k in ("IpPermissions", "IpPermissionsEgress")
             for p in g.get(k, [])]
    target = int(sum(len(p.get(k, [])) for p in perms for k in peers) * share)
    changed = 0
    for p in random.Random(seed).sample(perms, len(perms)):
        if changed >= target:
            break
        if p.get("IpProtocol") in ("tcp", "6") and p.get("ToPort", 65535) < 65535:
            p["ToPort"] += 1
            changed += sum(len(p.get(k, [])) for k in peers)
    with open(path, "w") as f:
        json.dump(doc, f, indent=4)  # as gen writes it: the rule limit counts bytes


def interface_endpoints(inventory: str) -> Tuple[List[str], List[str]]:
    """The primary private addresses and the ids of network-interfaces.json's interfaces, in file
    order. The array's elements are decoded one at a time: json.load of XL's 900 MB would need
    several GB."""
    with open(os.path.join(inventory, "network-interfaces.json"), encoding="utf-8") as f:
        text = f.read()
    ips, ids = [], []
    decoder = json.JSONDecoder()
    space = re.compile(r"\s*,?\s*")
    start = re.search(r'"NetworkInterfaces"\s*:\s*\[\s*', text)
    position = start.end() if start else len(text)
    while position < len(text) and text[position] != "]":
        eni, position = decoder.raw_decode(text, position)
        position = space.match(text, position).end()
        if eni.get("PrivateIpAddress"):
            ips.append(eni["PrivateIpAddress"])
        ids.append(eni["NetworkInterfaceId"])
    return ips, ids


def write_flows(inventory: str, counts: Dict[str, int], seed: int) -> None:
    """Random point flows between the inventory's interfaces (by address or id) and outside
    addresses, over common services: what a batch of connectivity checks looks like. One random
    sequence: each file (path: count of flows) holds its first lines, so the same seed gives the
    same flows in every file and every run."""
    rng = random.Random(seed)
    ips, ids = interface_endpoints(inventory)
    services = ["tcp/22", "tcp/443", "tcp/80", "tcp/5432", "udp/53", "tcp/8080", "icmp/8:0",
                "tcp/3306"]
    outside = ["203.0.113.%d" % i for i in range(1, 255)]
    sources, destinations = ips + ids + outside, ips + ids
    files = [(open(path, "w", encoding="utf-8"), count) for path, count in counts.items()]
    try:
        for i in range(max(counts.values())):
            line = "%s from %s to %s\n" % (rng.choice(services), rng.choice(sources),
                                           rng.choice(destinations))
            for f, count in files:
                if i < count:
                    f.write(line)
    finally:
        for f, _ in files:
            f.close()


def fits(m: Measurement, input_mb: float) -> bool:
    return m.max_input_mb is None or input_mb <= m.max_input_mb


def measure_throughput(tools: Tools, result: Result, inventory: str, m: Measurement, runs: int,
                       batches: Tuple[str, str]) -> Result:
    """MILLION / (median T(1M) - median T(1)), T whole-process wall seconds, the runs of the
    1-flow and the 1M-flow batch alternating; min and max are the fastest and slowest 1M run less
    the median 1-flow run; peak memory is that of the 1M-flow batch. The notes add the same rate
    per CPU-second (user + system), which the other processes of a shared machine disturb less."""
    one, million = (m.argv(tools, inventory, batch) for batch in batches)
    singles, single_cpu = [], []
    for _ in range(runs):
        cpu_before = children_cpu_seconds()
        singles.append(timed_run(one, m.ok_status)[0])
        single_cpu.append(children_cpu_seconds() - cpu_before)
        cpu_before = children_cpu_seconds()
        result.seconds.append(timed_run(million, m.ok_status)[0])
        result.cpu.append(children_cpu_seconds() - cpu_before)

    def rate(seconds: float, base: float) -> float:
        return MILLION / (seconds - base) if seconds > base else 0.0

    single = statistics.median(singles)
    result.summary = (rate(statistics.median(result.seconds), single),
                      rate(max(result.seconds), single), rate(min(result.seconds), single))
    result.peak_rss_mb = max(peak_rss_mb(million, m.ok_status, None) for _ in range(runs))
    per_cpu = rate(statistics.median(result.cpu), statistics.median(single_cpu))
    result.note = (f"{runs} runs, T(1M) {statistics.median(result.seconds):.3f} s - "
                   f"T(1) {single:.3f} s, {per_cpu:,.0f}/cpu-s")
    return result


def measure(tools: Tools, preset: str, inventory: str, flows: str, m: Measurement,
            runs: int, input_mb: float, batches: Tuple[str, str] = ("", "")) -> Result:
    result = Result(preset, m.name, unit=m.unit, input_mb=input_mb)
    if not fits(m, input_mb):
        result.note = f"left out: input over {m.max_input_mb:,.0f} MB"
        return result
    if m.batch_throughput:
        return measure_throughput(tools, result, inventory, m, runs, batches)
    argv = m.argv(tools, inventory, flows)
    try:
        for _ in range(runs):
            cpu_before = children_cpu_seconds()
            seconds, stderr, status = timed_run(argv, m.ok_status, m.timeout)
            result.cpu.append(children_cpu_seconds() - cpu_before)
            if m.refusal is not None and status == m.refusal:
                result.note = "refused after %.1f s: %s" % (seconds, stderr.strip()[:90])
                return result
            if m.figure:
                found = re.search(m.figure, stderr)
                result.values.append(float(found.group(1)) if found else 0.0)
                wall = re.search(DECISIONS_WALL, stderr)
                result.wall.append(float(wall.group(1)) if wall else 0.0)
            else:
                result.values.append(seconds)
        # Peak memory varies with thread timing: the worst of as many extra runs.
        result.peak_rss_mb = max(peak_rss_mb(argv, m.ok_status, m.timeout) for _ in range(runs))
        result.note = f"{runs} runs"
        if m.cpu:
            result.note += f", CPU median {statistics.median(result.cpu):.3f} s"
        if result.wall:
            result.note += f", wall median {statistics.median(result.wall):,.0f}/s"
    except TimedOut:
        result.note = f"timed out after {m.timeout:g} s"
    return result


def add_ratios(results: List[Result]) -> None:
    by_key = {(r.preset, r.name): r for r in results}
    for m in MEASUREMENTS:
        if not m.ratio_to:
            continue
        for r in results:
            base = by_key.get((r.preset, m.ratio_to))
            if r.name == m.name and base and base.values and r.values:
                ratio = statistics.median(r.values) / statistics.median(base.values)
                against = "baseline" if m.ratio_to.startswith("baseline") else m.ratio_to.split()[0]
                r.note += f", {ratio:.2f}x {against}"


def fmt(value: float, unit: str) -> str:
    return f"{value:,.0f}" if unit != "s" else f"{value:.3f}"


def median_of(r: Optional[Result]) -> Optional[float]:
    """The figure of a row: its summary's median, or the median of its values."""
    if r is None:
        return None
    if r.summary:
        return r.summary[0] or None
    return statistics.median(r.values) if r.values else None


def print_rows(header: List[str], rows: List[List[str]]) -> None:
    widths = [max(len(str(c)) for c in column) for column in zip(header, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"
    print(line(header))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))


def print_table(results: List[Result]) -> None:
    header = ["inventory", "measure", "median", "min", "max", "unit", "peak RSS MB", "input MB",
              "RSS/input", "runs, notes"]
    rows = []
    for r in results:
        if r.summary and r.summary[0]:
            # A 1M run no slower than the median 1-flow run (noise) has no rate.
            stats = [fmt(value, r.unit) if value > 0 else "-" for value in r.summary]
        elif r.values:
            stats = [fmt(statistics.median(r.values), r.unit), fmt(min(r.values), r.unit),
                     fmt(max(r.values), r.unit)]
        else:
            stats = ["-", "-", "-"]
        # Peak memory over input size means something only for inputs of some size.
        ratio = f"{r.peak_rss_mb / r.input_mb:.2f}" if r.input_mb >= 1 and r.peak_rss_mb else "-"
        rows.append([r.preset, r.name] + stats + [r.unit, f"{r.peak_rss_mb:.0f}",
                                                   f"{r.input_mb:.1f}", ratio, r.note])
    print_rows(header, rows)


# The curve: these rows' whole-process time (for the batch, of the 1M-flow run) and peak memory.
CURVE = [("ingest (dump --stats)", "ingest (dump --stats)"),
         ("lint (whole catalogue)", "lint"),
         ("query --batch count (1M flows)", "query --batch of 1M flows, count")]
SCALE_LIMIT = 12.0  # XL/L, time, for each curve row
XL_MEMORY_MB = 24_000  # XL's peak memory, each curve row


def curve_seconds(r: Optional[Result]) -> Optional[float]:
    if r is None:
        return None
    if r.seconds:
        return statistics.median(r.seconds)
    return statistics.median(r.values) if r.values and r.unit == "s" else None


def print_curve(results: List[Result], presets: List[str]) -> None:
    """One row per curve measure and figure, one column per inventory, and XL/L. CPU seconds
    (user + system, all threads) are beside the wall time: a shared machine disturbs them less."""
    by_key = {(r.preset, r.name): r for r in results}
    at = lambda figures, p: figures[presets.index(p)] if p in presets else None
    xl_over_l = lambda figures: (f"{at(figures, 'XL') / at(figures, 'L'):.2f}"
                                 if at(figures, "XL") and at(figures, "L") else "-")
    sizes = [next((r.input_mb for r in results if r.preset == p and r.input_mb), None)
             for p in presets]
    rows = [["input MB"] + [f"{size:.1f}" if size else "-" for size in sizes] +
            [xl_over_l(sizes)]]
    for name, label in CURVE:
        cells = [by_key.get((p, name)) for p in presets]
        seconds = [curve_seconds(r) for r in cells]
        cpu = [statistics.median(r.cpu) if r and r.cpu else None for r in cells]
        rss = [r.peak_rss_mb if r and r.peak_rss_mb else None for r in cells]
        rows.append([label + ", wall s"] + [f"{s:.3f}" if s else "-" for s in seconds] +
                    [xl_over_l(seconds)])
        rows.append([label + ", CPU s"] + [f"{s:.3f}" if s else "-" for s in cpu] +
                    [xl_over_l(cpu)])
        rows.append([label + ", peak RSS MB"] + [f"{m:,.0f}" if m else "-" for m in rss] +
                    [xl_over_l(rss)])
    print_rows(["measure"] + presets + ["XL/L"], rows)


def print_targets(results: List[Result]) -> None:
    """product.md §8's current targets, each with its figure from this run and PASS or MISS (on L;
    the scale rows on XL against L); `not measured` where the run did not measure it, and MISS with
    the row's note where it ran without a figure (timed out, refused)."""
    by_key = {(r.preset, r.name): r for r in results}
    get = lambda preset, name: by_key.get((preset, name))
    scan = median_of(get("L", "baseline scan (simdjson on-demand)"))
    lint = get("L", "lint (whole catalogue)")
    rows = []

    def add(target: str, figure: Optional[float], text: str, passed: Callable[[float], bool],
            source: Optional[Result] = None) -> None:
        if figure:
            rows.append([target, text.format(figure), "PASS" if passed(figure) else "MISS"])
        elif source and source.note and not source.note.startswith("left out"):
            rows.append([target, source.note, "MISS"])
        else:
            rows.append([target, "not measured", "-"])

    ingest = median_of(get("L", "ingest (dump --stats)"))
    add("ingest L ≤ 1.25× the scan", ingest / scan if ingest and scan else None, "{:.2f}×",
        lambda x: x <= 1.25)
    lint_s = median_of(lint)
    add("lint L ≤ 2.5× the scan", lint_s / scan if lint_s and scan else None, "{:.2f}×",
        lambda x: x <= 2.5)
    add("lint L peak RSS ≤ 1.25× the input",
        lint.peak_rss_mb / lint.input_mb if lint and lint.peak_rss_mb and lint.input_mb else None,
        "{:.2f}×", lambda x: x <= 1.25)
    add("query --batch count L ≥ 3 M flows/s (1M flows)",
        median_of(get("L", "query --batch count (1M flows)")), "{:,.0f} flows/s",
        lambda x: x >= 3e6)
    add("query --batch JSON Lines L ≥ 1 M flows/s (1M flows)",
        median_of(get("L", "query --batch JSON Lines (1M flows)")), "{:,.0f} flows/s",
        lambda x: x >= 1e6)
    matrix = get("L", "matrix --service tcp/443")
    add("matrix L --service tcp/443 ≤ 0.5 s", median_of(matrix), "{:.3f} s", lambda x: x <= 0.5,
        matrix)
    add("lint one small file, whole process ≤ 3 ms",
        median_of(get("examples", "small file: lint examples/three-tier")), "{:.4f} s",
        lambda x: x <= 0.003)
    peaks = []
    for name, label in CURVE:
        xl, l = (curve_seconds(get(p, name)) for p in ("XL", "L"))
        add(f"XL/L ≤ {SCALE_LIMIT:.0f}: {label}", xl / l if xl and l else None, "{:.2f}",
            lambda x: x <= SCALE_LIMIT)
        r = get("XL", name)
        peaks.append(r.peak_rss_mb if r and (r.values or r.seconds) else 0.0)
    add("XL within 24 GB (largest peak RSS of the three)", max(peaks) if all(peaks) else None,
        "{:,.0f} MB", lambda x: x <= XL_MEMORY_MB)
    print_rows(["target (product.md §8)", "this run", "met"], rows)


def find_tools(build: str) -> Tools:
    sgcheck = os.path.join(build, "sgcheck")
    if not os.access(sgcheck, os.X_OK):
        sys.exit(f"bench: {sgcheck} is not built (ninja -C {build} sgcheck)")
    scan = os.path.join(build, "bench", "simdjson_scan")
    if not os.access(scan, os.X_OK):
        print(f"bench: {scan} is not built (meson configure {build} -Dbench=true); "
              "no baseline", file=sys.stderr)
        scan = None
    has_lint = subprocess.run([sgcheck, "lint", "--help"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    has_diff = subprocess.run([sgcheck, "diff", "--help"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0
    return Tools(sgcheck, scan, has_lint, has_diff)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--presets", default="S,L",
                        help="of " + ",".join(PRESETS) + " (default S,L; '' for none)")
    parser.add_argument("--inventory", action="append", default=[], metavar="NAME=DIR",
                        help="use DIR (made by gen as PRESETS[NAME] makes it) for NAME instead of "
                             "generating it; NAME is added to --presets (repeatable)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--flows", type=int, default=200_000,
                        help="flows per --batch file of the --stats rows (default 200,000; the (1M flows) rows "
                             "use 1,000,000)")
    parser.add_argument("--matrix-timeout", type=float, default=60.0)
    parser.add_argument("--keep", help="generate into this directory and keep it")
    parser.add_argument("--templates", type=int, default=1000,
                        help="small templates linted in one run (0: not measured)")
    parser.add_argument("--skip", default="",
                        help="comma-separated words: measurements whose name has one are skipped")
    args = parser.parse_args()
    given = dict(item.split("=", 1) for item in args.inventory if "=" in item)
    if len(given) != len(args.inventory):
        parser.error("--inventory takes NAME=DIR")
    presets = [p for p in args.presets.split(",") if p]
    presets += [p for p in given if p not in presets]
    for p in presets:
        if p not in PRESETS and p not in given:
            parser.error(f"unknown preset {p} (one of {', '.join(PRESETS)}, or --inventory)")
    skip = [w for w in args.skip.split(",") if w]
    MEASUREMENTS[:] = [m for m in MEASUREMENTS if not any(w in m.name for w in skip)]
    SMALL_FILE[:] = [m for m in SMALL_FILE if not any(w in m.name for w in skip)]
    tools = find_tools(args.build)
    for m in MEASUREMENTS:
        if m.name.startswith("matrix"):
            m.timeout = args.matrix_timeout

    work = args.keep or tempfile.mkdtemp(prefix="sgcheck-bench-")
    results: List[Result] = []
    try:
        for m in SMALL_FILE:
            if m.when(tools):
                results.append(measure(tools, "examples", SMALL, "", m, args.runs,
                                       directory_mb(SMALL)))
        templates = Measurement(f"lint {args.templates:,} templates (one run)",
                                lambda t, inv, fl: [t.sgcheck, "lint", inv], ok_status=(0, 1, 2),
                                refusal=2, cpu=True, when=lambda t: t.has_lint)
        if args.templates > 0 and not any(w in templates.name for w in skip) \
                and templates.when(tools):
            inventory = os.path.join(work, "templates")
            shutil.rmtree(inventory, ignore_errors=True)
            write_templates(inventory, args.templates)
            results.append(measure(tools, "templates", inventory, "", templates, args.runs,
                                   directory_mb(inventory)))
        for preset in presets:
            inventory = os.path.join(work, preset)
            if preset in given:
                gen = reuse(preset, given[preset], inventory)
            else:
                if os.path.islink(inventory):
                    os.unlink(inventory)
                shutil.rmtree(inventory, ignore_errors=True)
                gen = generate(tools.sgcheck, preset, args.seed, inventory)
            results.append(gen)
            flows = os.path.join(work, f"flows-{preset}.txt")
            batches = tuple(os.path.join(work, f"flows-{preset}-{n}.txt") for n in ("1", "1M"))
            write_flows(inventory, {flows: args.flows, batches[0]: 1, batches[1]: MILLION},
                        args.seed)
            measured = [m for m in MEASUREMENTS if m.when(tools)]
            if any(m.name.startswith("diff") and fits(m, gen.input_mb) for m in measured):
                write_changed_copy(inventory, inventory + "-changed", 0.01, args.seed)
            for m in measured:
                results.append(measure(tools, preset, inventory, flows, m, args.runs,
                                       gen.input_mb, batches))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    add_ratios(results)
    load = os.getloadavg()
    print(f"sgcheck bench: {os.cpu_count()} CPUs, load average {load[0]:.1f} at the end, "
          f"seed {args.seed}, {args.runs} runs each, {args.flows:,} flows per batch "
          f"({MILLION:,} in the (1M flows) rows)")
    print_table(results)
    if presets:
        print()
        print_curve(results, presets)
        print()
        print_targets(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())

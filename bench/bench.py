#!/usr/bin/env python3
"""haul's performance benchmark (the targets of issue 13).

Run it through `bench/run`, which builds haul (release profile; the static musl build too when
it can) and the server, then calls this script. Everything runs on 127.0.0.1 and needs no
internet.

What it does:

1. Makes (or reuses) the fixtures (`fixtures.py`): N tools of S MiB, each a GitHub-shaped
   release with a `toolNN-1.0.0-x86_64-unknown-linux-musl.tar.gz` and a `checksums.txt`, and
   100 tiny tools for the start-up rows.
2. Starts `haul-bench-server` (bench/server), a loopback GitHub API plus download host that
   emulates a network per scenario: a delay before each request is answered, a delay before a new
   connection's first request is read, and a token-bucket bandwidth cap per connection. It counts
   requests and connections per host (API host, download host).
3. For each scenario ("wan": 50 ms per request, 100 ms per new connection, 200 Mbit/s per
   connection; "lan": none of these) it runs these rows in turn, round-robin, several times, and
   keeps the median wall time and the peak RSS (GNU time's `%M` for each run: the largest RSS
   of the process and of every child it waited for):
   - haul installing all N in one command, cold cache (fresh HAUL_HOME, bin dir and cache);
   - the same with the static musl build, when it was built;
   - the same with `-j N` (all N downloads at once; haul's default is 8), unless --jobs is given;
   - haul warm: fresh HAUL_HOME and bin dir, download cache kept from an earlier install;
   - haul warm again, with the server adding GitHub's `digest` field to each asset (haul
     trusts its download cache only when the API's digest vouches for it);
   - haul, N separate `haul install` commands one after another, cold;
   - the floor: `curl URL | tar xz` for all N archives at once, and one after another (no API
     calls, no checksum);
   - other installers found on PATH (ubi), N processes at once and one after another.
4. Start-up rows (run first, in rounds of every command in turn), timed with hyperfine when
   installed (else a spawn/wait loop; median):
   `/bin/true`, `haul --version`, `haul which TOOL`, `haul list` (100 tools installed) and
   `haul outdated` (100 tools, warm ETag cache; "n/a" while the command does not exist).
5. Prints one Markdown table (time, ratio to the floor, peak RSS, requests per tool and
   connections per host as the server counted them), the binary sizes, and the targets with
   met/MISSED. Exit status: 0 when every target is met, 1 when one is missed (0 with
   `--no-fail` or HAUL_BENCH_NO_FAIL=1), 2 when the benchmark itself failed.

Usage: python3 bench/bench.py --haul PATH --server PATH [options]   (see --help)
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import fixtures

MIB = 1 << 20
HERE = Path(__file__).resolve().parent
GNU_TIME = "/usr/bin/time"  # Debian package `time`
STARTUP_ROUNDS = 5  # start-up rows: rounds of all commands in turn
STARTUP_WARMUP = 5  # unmeasured runs before each batch of a start-up row

# The targets of issue 13 (from the product design; the README's Performance section lists them).
TARGET_WAN_RATIO = 0.8  # haul cold install / the parallel curl-into-tar floor, wan
TARGET_LAN_RATIO = 0.6  # the same on plain loopback
TARGET_STARTUP_RATIO = 1.4  # `haul --version`, `haul which` / `/bin/true`
TARGET_LIST_RATIO = 3.0  # `haul list` with 100 tools / `/bin/true`
TARGET_RSS_MIB = 12.0  # peak RSS of the N-tool install
TARGET_BINARY_MIB = 6.0  # release binary size
TARGET_API_PER_TOOL = 1.0  # one API request per tool at most

# All N archives at once, each `curl | tar xz` (the floor that needs no installer).
CURL_PARALLEL = r"""
set -euo pipefail
out=$1; shift
pids=()
for url in "$@"; do
  ( curl -fsS "$url" | tar -xzf - -C "$out" ) &
  pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
"""

# The same, one archive after another.
CURL_SEQUENTIAL = r"""
set -euo pipefail
out=$1; shift
for url in "$@"; do curl -fsS "$url" | tar -xzf - -C "$out"; done
"""

# N separate `haul install` commands, one after another.
HAUL_SEQUENTIAL = r"""
set -euo pipefail
haul=$1; shift
for repo in "$@"; do "$haul" install "$repo"; done
"""

# Another installer, one process per tool: all at once ($1 = par) or one after another.
PER_TOOL = r"""
set -euo pipefail
mode=$1; shift
pids=()
for cmd in "$@"; do
  if [ "$mode" = par ]; then bash -c "$cmd" & pids+=($!); else bash -c "$cmd"; fi
done
for pid in "${pids[@]}"; do wait "$pid"; done
"""


class BenchError(Exception):
    """The benchmark could not measure something (not a missed target)."""


@dataclass
class Scenario:
    name: str
    request_ms: float
    connect_ms: float
    rate_mbit: float  # 0 = unlimited

    def describe(self) -> str:
        if not (self.request_ms or self.connect_ms or self.rate_mbit):
            return "plain loopback: no added latency, no bandwidth cap"
        rate = f"{self.rate_mbit:g} Mbit/s" if self.rate_mbit else "unlimited"
        return (f"{self.request_ms:g} ms per request, {self.connect_ms:g} ms per new "
                f"connection, {rate} per connection")


@dataclass
class Sample:
    seconds: float
    rss_kib: int
    stats: dict


@dataclass
class Row:
    key: str
    label: str
    samples: list[Sample] = field(default_factory=list)
    note: str = ""
    runs: int = 0
    # The server's request log of the last run (for --json).
    last_log: list[str] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(s.seconds for s in self.samples) if self.samples else None

    @property
    def peak_rss_mib(self) -> float | None:
        return max(s.rss_kib for s in self.samples) / 1024 if self.samples else None


class Server:
    """The haul-bench-server process and its control port."""

    def __init__(self, exe: Path, fixtures_dir: Path):
        self.proc = subprocess.Popen([str(exe), str(fixtures_dir)], stdout=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        if not line.startswith("READY "):
            self.proc.kill()
            raise BenchError(f"the server did not start (said {line!r})")
        ports = json.loads(line[len("READY "):])
        self.api_url = f"http://127.0.0.1:{ports['api']}"
        self.dl_url = f"http://127.0.0.1:{ports['dl']}"
        self._control = f"http://127.0.0.1:{ports['control']}"
        # The control port is on loopback: never through a proxy.
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def call(self, path: str) -> dict:
        with self._opener.open(self._control + path, timeout=10) as reply:
            return json.loads(reply.read())

    def configure(self, scenario: Scenario, digest: bool = False) -> None:
        self.call(f"/config?request_ms={scenario.request_ms}&connect_ms={scenario.connect_ms}"
                  f"&rate_mbit={scenario.rate_mbit}&digest={int(digest)}")

    def reset(self) -> None:
        self.call("/reset")

    def stats(self) -> dict:
        return self.call("/stats")

    def download_url(self, tool: str) -> str:
        tag = fixtures.TAG
        return f"{self.dl_url}/{fixtures.OWNER}/{tool}/releases/download/{tag}/" \
               f"{fixtures.asset_name(tool)}"

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)


def clean_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The caller's environment without haul settings, tokens, proxies or colour switches."""
    env = {}
    for name, value in os.environ.items():
        upper = name.upper()
        if upper.startswith("HAUL_") or upper.endswith("_PROXY") or upper in (
                "GITHUB_TOKEN", "GH_TOKEN", "NO_COLOR", "FORCE_COLOR", "CLICOLOR_FORCE"):
            continue
        env[name] = value
    env["NO_PROXY"] = env["no_proxy"] = "*"
    env.update(extra or {})
    return env


def haul_env(run_dir: Path, api_url: str, cache_dir: Path | None = None) -> dict[str, str]:
    """haul pointed at the server, with every directory under `run_dir` (or a kept cache)."""
    return clean_env({
        "HAUL_HOME": str(run_dir / "home"),
        "HAUL_BIN_DIR": str(run_dir / "bin"),
        "HAUL_CACHE_DIR": str(cache_dir or run_dir / "cache"),
        "HAUL_CONFIG": str(run_dir / "no-such-config.toml"),
        "HAUL_GITHUB_API_URL": api_url,
        "XDG_CONFIG_HOME": str(run_dir / "xdg"),
    })


def measure(cmd: list[str], env: dict[str, str], log: Path) -> tuple[float, int, int]:
    """Run `cmd`; return (wall seconds, peak RSS in KiB, exit code).

    The peak RSS comes from GNU time (`%M`, the largest RSS of the command and of any child it
    waited for), not from this script's own `wait4`: a child forked from Python carries
    Python's RSS high-water mark (~40 MiB) through `exec` into its `ru_maxrss`. GNU time's is
    about 1 MiB (the floor: see the `/bin/true` row)."""
    rss_file = log.with_name(log.name + ".rss")
    with open(log, "wb") as out:
        start = time.perf_counter()
        proc = subprocess.Popen([GNU_TIME, "-o", str(rss_file), "-f", "%M", *cmd], env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        code = proc.wait()
        seconds = time.perf_counter() - start
    try:
        rss = int(rss_file.read_text().split()[-1])
    except (OSError, ValueError, IndexError) as err:
        raise BenchError(f"no peak RSS from {GNU_TIME} for `{cmd[0]}`: {err}") from err
    return seconds, rss, code


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.work = Path(tempfile.mkdtemp(prefix="haul-bench-"))
        self.tools = [fixtures.tool_name(i) for i in range(1, args.tools + 1)]
        self.repos = [f"{fixtures.OWNER}/{t}" for t in self.tools]
        self.server: Server | None = None
        self.sections: list[tuple[str, list[Row]]] = []
        self.startup: list[Row] = []
        self.notes: list[str] = list(args.note or [])
        self.stamp: dict = {}
        self.counter = 0
        self.last_log: list[str] = []
        self.failures: list[str] = []
        self.load = ""
        self.current = ""  # what is being run, for the failure notes

    # ----- running one measured command -------------------------------------------------

    def new_dir(self) -> Path:
        self.counter += 1
        path = self.work / f"run{self.counter:04d}"
        path.mkdir()
        return path

    def run_once(self, cmd: list[str], env: dict[str, str], run_dir: Path, check) -> Sample:
        """One measured run. A run that fails is retried (twice at most) in a fresh copy of
        `run_dir`, and the failure is kept for the notes under the table: the numbers are
        only ever those of runs that worked."""
        assert self.server
        for attempt in range(3):
            self.server.reset()
            log = run_dir / "output.log"
            seconds, rss, code = measure(cmd, env, log)
            stats = self.server.stats()
            self.last_log = stats.pop("log", [])
            problem = f"exited {code}" if code != 0 else None
            if not problem and (missing := check(run_dir)):
                problem = f"did not produce {missing}"
            if not problem:
                return Sample(seconds, rss, stats)
            first_error = next((line.strip() for line in tail(log, 40).splitlines()
                                if line.lstrip().startswith("error")), tail(log, 1))
            self.failures.append(f"{self.current} {problem}: {first_error}")
            print(f"   run failed ({problem}), retrying: {first_error}", file=sys.stderr)
            if attempt < 2:
                for entry in run_dir.iterdir():
                    if entry.is_dir():
                        shutil.rmtree(entry)
                (run_dir / "out").mkdir(exist_ok=True)
        raise BenchError(f"`{' '.join(cmd[:3])} ...` failed three times:\n{tail(log)}")

    def haul_cmd(self, haul: Path, jobs: int | None = None) -> list[str]:
        cmd = [str(haul), "install"]
        if jobs or self.args.jobs:
            cmd += ["-j", str(jobs or self.args.jobs)]
        return cmd + self.repos

    def installed_by_haul(self, run_dir: Path) -> str | None:
        for tool in self.tools:
            if not (run_dir / "bin" / tool).exists():
                return f"bin/{tool}"
        return None

    def unpacked_by_tar(self, run_dir: Path) -> str | None:
        for tool in self.tools:
            if not (run_dir / "out" / f"{tool}-{fixtures.VERSION}" / tool).is_file():
                return f"out/{tool}-{fixtures.VERSION}/{tool}"
        return None

    def installed_flat(self, run_dir: Path) -> str | None:
        for tool in self.tools:
            if not (run_dir / "out" / tool).is_file():
                return f"out/{tool}"
        return None

    # ----- the rows of one scenario -----------------------------------------------------

    def scenario_rows(self, scenario: Scenario, warm_cache: Path) -> list[tuple[Row, object]]:
        """Each row with a function that makes one measured run of it."""
        assert self.server
        server = self.server
        args = self.args
        n = len(self.tools)
        api = server.api_url
        urls = [server.download_url(t) for t in self.tools]
        rows: list[tuple[Row, object]] = []

        def haul_install(haul: Path, cache: Path | None, digest: bool = False,
                         jobs: int | None = None):
            def run() -> Sample:
                run_dir = self.new_dir()
                server.configure(scenario, digest=digest)
                try:
                    return self.run_once(self.haul_cmd(haul, jobs),
                                         haul_env(run_dir, api, cache), run_dir,
                                         self.installed_by_haul)
                finally:
                    server.configure(scenario)
            return run

        def shell(script: str, first: str, rest: list[str], env_of, check):
            def run() -> Sample:
                run_dir = self.new_dir()
                (run_dir / "out").mkdir()
                first_arg = str(run_dir / "out") if first == "{out}" else first
                cmd = ["bash", "-c", script, "bench", first_arg, *rest]
                return self.run_once(cmd, env_of(run_dir), run_dir, check)
            return run

        rows.append((Row("haul_cold", f"haul install, {n} tools in one command, cold cache"),
                     haul_install(args.haul, None)))
        if args.haul_musl:
            rows.append((Row("haul_musl_cold", f"haul install, {n} tools in one command, "
                             "cold cache, static musl build"),
                         haul_install(args.haul_musl, None)))
        if not args.jobs:
            rows.append((Row("haul_cold_jn", f"haul install, {n} tools in one command, cold "
                             f"cache, -j {n}"), haul_install(args.haul, None, jobs=n)))
        rows.append((Row("haul_warm", f"haul install, {n} tools, warm download cache"),
                     haul_install(args.haul, warm_cache)))
        rows.append((Row("haul_warm_digest",
                         f"haul install, {n} tools, warm cache, API has `digest`"),
                     haul_install(args.haul, warm_cache, digest=True)))
        seq = Row("haul_seq", f"haul, {n} separate `haul install` one after another, cold")
        rows.append((seq, shell(HAUL_SEQUENTIAL, str(args.haul), self.repos,
                                lambda d: haul_env(d, api), self.installed_by_haul)))
        rows.append((Row("curl_par", f"floor: curl piped into tar xz, all {n} at once"),
                     shell(CURL_PARALLEL, "{out}", urls, lambda d: clean_env(),
                           self.unpacked_by_tar)))
        rows.append((Row("curl_seq", "floor: curl piped into tar xz, one after another"),
                     shell(CURL_SEQUENTIAL, "{out}", urls, lambda d: clean_env(),
                           self.unpacked_by_tar)))
        ubi = shutil.which("ubi")
        if ubi:
            def ubi_cmds(out: str) -> list[str]:
                return [f"{ubi} --project {r} --in {out} --api-base-url {api}"
                        for r in self.repos]
            for mode, label in (("par", f"{n} processes at once"),
                                ("seq", "one after another")):
                def run(mode=mode) -> Sample:
                    run_dir = self.new_dir()
                    (run_dir / "out").mkdir()
                    cmd = ["bash", "-c", PER_TOOL, "bench", mode,
                           *ubi_cmds(str(run_dir / "out"))]
                    return self.run_once(cmd, clean_env(), run_dir, self.installed_flat)
                rows.append((Row(f"ubi_{mode}", f"ubi {self.ubi_version()}, {label}"), run))
        return rows

    def ubi_version(self) -> str:
        try:
            out = subprocess.run(["ubi", "--version"], capture_output=True, text=True,
                                 check=False).stdout.split()
            return out[-1] if out else ""
        except OSError:
            return ""

    def run_scenario(self, scenario: Scenario) -> None:
        assert self.server
        print(f"== scenario {scenario.name}: {scenario.describe()}", file=sys.stderr)
        self.server.configure(scenario)
        warm_cache = self.work / f"warm-cache-{scenario.name}"
        # Prime the kept download cache (and the page cache) with one unmeasured install.
        self.current = f"{scenario.name}: priming the warm cache, `haul install`"
        prime = self.new_dir()
        self.run_once(self.haul_cmd(self.args.haul), haul_env(prime, self.server.api_url,
                                                              warm_cache),
                      prime, self.installed_by_haul)
        shutil.rmtree(prime)
        rows = self.scenario_rows(scenario, warm_cache)
        slow = {"haul_seq", "curl_seq", "ubi_seq"}
        for row, _ in rows:
            row.runs = self.args.seq_runs if row.key in slow else self.args.runs
        # Round-robin, so that a slow minute of the machine hurts every row alike.
        for i in range(max(r.runs for r, _ in rows)):
            for row, run in rows:
                if i >= row.runs:
                    continue
                self.current = f"{scenario.name}: {row.label}:"
                sample = run()
                row.samples.append(sample)
                row.last_log = self.last_log
                print(f"   {row.key:<17} run {i + 1}: {sample.seconds:6.3f} s, "
                      f"{sample.rss_kib / 1024:5.1f} MiB", file=sys.stderr)
                for leftover in self.work.glob("run*"):
                    shutil.rmtree(leftover, ignore_errors=True)
                os.sync()  # flush this run's writes so they do not land in the next one
        self.sections.append((scenario.name, [r for r, _ in rows]))

    # ----- start-up rows ------------------------------------------------------------------

    def run_startup(self) -> None:
        assert self.server
        args = self.args
        print("== start-up rows (100 tools installed; lan for `outdated`)", file=sys.stderr)
        self.server.configure(Scenario("lan", 0, 0, 0))
        home = self.work / "startup"
        home.mkdir()
        env = haul_env(home, self.server.api_url)
        tiny = [f"{fixtures.OWNER}/{fixtures.tiny_name(i)}"
                for i in range(1, fixtures.TINY_COUNT + 1)]
        log = home / "setup.log"
        for _ in range(3):  # tools that failed are installed by the next try
            _, _, code = measure([str(args.haul), "install", *tiny], env, log)
            if code == 0:
                break
            self.failures.append("start-up set-up: `haul install` of the 100 tiny tools exited "
                                 f"{code}: " + next((line.strip() for line in tail(log, 40)
                                                     .splitlines() if "error" in line), ""))
        else:
            raise BenchError(f"installing the 100 tiny tools failed:\n{tail(log)}")
        os.sync()
        which_tool = fixtures.tiny_name(fixtures.TINY_COUNT // 2)
        commands: list[tuple[str, str, list[str]]] = [
            ("true", "/bin/true", ["/bin/true"]),
            ("version", "haul --version", [str(args.haul), "--version"]),
            ("which", f"haul which {which_tool}", [str(args.haul), "which", which_tool]),
            ("list", "haul list, 100 tools installed", [str(args.haul), "list"]),
        ]
        if args.haul_musl:
            commands += [
                ("version_musl", "haul --version, static musl build",
                 [str(args.haul_musl), "--version"]),
                ("which_musl", f"haul which {which_tool}, static musl build",
                 [str(args.haul_musl), "which", which_tool]),
            ]
        outdated = subprocess.run([str(args.haul), "outdated", "--help"], env=env,
                                  capture_output=True, check=False)
        outdated_row = Row("outdated", "haul outdated, 100 tools, warm ETag cache")
        if outdated.returncode == 0:
            # The first run fills the ETag cache; the timed runs then get 304s.
            subprocess.run([str(args.haul), "outdated"], env=env, capture_output=True,
                           check=False)
            commands.append(("outdated", outdated_row.label, [str(args.haul), "outdated"]))
        else:
            outdated_row.note = "n/a (command missing)"
        rows = []
        for key, label, cmd in commands:
            row = Row(key, label)
            row.runs = 0
            row.samples = []
            # One run outside the timing for the peak RSS (and to check that it works).
            log = self.work / "startup.log"
            _, rss, code = measure(cmd, env, log)
            if code != 0 and key != "outdated":
                raise BenchError(f"`{' '.join(cmd)}` exited {code}:\n{tail(log)}")
            rows.append((row, cmd, rss, {"api_requests": 0, "not_modified": 0, "executions": 0}))
        # Rounds of every command in turn, so that a slow moment of the machine (writeback
        # of the install rows, another process) hurts every row alike.
        rounds = min(STARTUP_ROUNDS, args.startup_runs)
        for i in range(rounds):
            for row, cmd, rss, counts in rows:
                runs = args.startup_runs // rounds + (i < args.startup_runs % rounds)
                self.server.reset()
                times = self.time_batch(cmd, env, runs, ignore_failure=(row.key == "outdated"))
                stats = self.server.stats()
                for name in ("api_requests", "not_modified"):
                    counts[name] += stats.get(name, 0)
                counts["executions"] += runs + STARTUP_WARMUP
                row.samples += [Sample(t, rss, counts) for t in times]
                row.runs += len(times)
        self.startup = [row for row, _, _, _ in rows]
        if outdated_row.note:
            self.startup.append(outdated_row)

    def time_batch(self, cmd: list[str], env: dict[str, str], runs: int,
                   ignore_failure: bool) -> list[float]:
        """Seconds of each of `runs` runs of a short command (after a few unmeasured ones):
        hyperfine when installed, else a posix_spawn/wait loop."""
        warmup = STARTUP_WARMUP
        hyperfine = shutil.which("hyperfine") if not self.args.no_hyperfine else None
        if hyperfine:
            out = self.work / "hyperfine.json"
            hcmd = [hyperfine, "-N", "--warmup", str(warmup), "--runs", str(runs),
                    "--style", "none", "--export-json", str(out)]
            if ignore_failure:
                hcmd.append("-i")
            quoted = " ".join(_shell_quote(c) for c in cmd)
            done = subprocess.run(hcmd + ["--", quoted], env=env, capture_output=True,
                                  text=True, check=False)
            if done.returncode != 0:
                raise BenchError(f"hyperfine failed on `{quoted}`:\n{done.stderr}")
            return json.loads(out.read_text())["results"][0]["times"]
        times = []
        for i in range(runs + warmup):
            start = time.perf_counter()
            pid = os.posix_spawn(cmd[0], cmd, env, file_actions=[
                (os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
                (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0)])
            os.waitpid(pid, 0)
            if i >= warmup:
                times.append(time.perf_counter() - start)
        return times

    # ----- the report -------------------------------------------------------------------

    def report(self) -> list[tuple[str, str, bool]]:
        args = self.args
        n = len(self.tools)
        print()
        print(f"- haul benchmark: {n} tools x {args.size:g} MiB (tar.gz, gzip "
              f"{self.stamp.get('gzip_ratio')}x, {self.stamp.get('archive_bytes', 0) / MIB:.0f}"
              f" MiB to download), {machine()}")
        print(f"- machine load: {self.load}")
        print(f"- {haul_version(args.haul)} (commit {git_commit()}), `haul install` with "
              + (f"-j {args.jobs}" if args.jobs else "its default -j"))
        print(f"- median of {args.runs} runs ({args.seq_runs} for the one-after-another rows, "
              f"{args.startup_runs} for start-up rows); peak RSS is the largest of the runs; "
              "x floor = median / the scenario's parallel curl-into-tar median (/bin/true's for "
              "start-up rows)")
        print()
        print("| scenario | row | median | x floor | peak RSS | API req/tool "
              "| download req/tool | connections API/download |")
        print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        floors: dict[str, float] = {}
        for name, rows in self.sections:
            floor = next((r.median for r in rows if r.key == "curl_par"), None)
            if floor:
                floors[name] = floor
            for row in rows:
                ratio = f"{row.median / floor:.2f}" if floor and row.median else ""
                print(f"| {name} | {row.label} | {row.median:.2f} s | {ratio} | "
                      f"{row.peak_rss_mib:.1f} MiB | {requests_cells(row, n)} |")
        true = next((r.median for r in self.startup if r.key == "true"), None)
        for row in self.startup:
            if row.note:
                print(f"| start-up | {row.label} | {row.note} | | | | | |")
                continue
            ratio = f"{row.median / true:.2f}" if true else ""
            api = sum_stats(row, "api_requests")
            runs = row.samples[0].stats.get("executions", 1) if row.samples else 1
            cells = f"{api / runs:.1f} API req/run ({sum_stats(row, 'not_modified') / runs:.1f}" \
                " of them 304)" \
                if api else ""
            print(f"| start-up | {row.label} | {row.median * 1000:.2f} ms | {ratio} "
                  f"| {row.peak_rss_mib:.1f} MiB | {cells} | | |")
        sizes = [("glibc", args.haul)] + ([("static musl", args.haul_musl)]
                                          if args.haul_musl else [])
        for libc, path in sizes:
            print(f"| binary | release binary size, {libc} | {path.stat().st_size / MIB:.2f} MiB"
                  f" | | | | | |")
        for note in self.notes:
            print(f"\nNote: {note}")
        if self.failures:
            print(f"\nNote: {len(self.failures)} run(s) failed and were run again (not timed):")
            for failure in self.failures:
                print(f"- {failure}")

        # ----- targets ----
        results: list[tuple[str, str, bool]] = []

        def check(name: str, value: float, limit: float, unit: str, fmt: str = ".2f"):
            results.append((name, f"{value:{fmt}}{unit} (target <= {limit:g}{unit})",
                            value <= limit))

        for name, limit in (("wan", TARGET_WAN_RATIO), ("lan", TARGET_LAN_RATIO)):
            rows = dict(self.sections).get(name)
            if rows and name in floors:
                cold = next(r for r in rows if r.key == "haul_cold")
                check(f"{name}: haul cold install / the parallel curl-into-tar floor",
                      cold.median / floors[name], limit, "x")
        if true:
            for key, limit in (("version", TARGET_STARTUP_RATIO), ("which",
                               TARGET_STARTUP_RATIO), ("list", TARGET_LIST_RATIO)):
                row = next(r for r in self.startup if r.key == key)
                check(f"`{row.label}` / /bin/true", row.median / true, limit, "x")
        for name, rows in self.sections:
            for row in rows:
                if row.key in ("haul_cold", "haul_musl_cold"):
                    check(f"{name}: peak RSS, {row.label}", row.peak_rss_mib or 0,
                          TARGET_RSS_MIB, " MiB", ".1f")
                if row.key == "haul_cold":
                    check(f"{name}: API requests per tool, cold install",
                          sum_stats(row, "api_requests") / len(row.samples) / n,
                          TARGET_API_PER_TOOL, "")
        for libc, path in sizes:
            check(f"release binary size ({libc})", path.stat().st_size / MIB,
                  TARGET_BINARY_MIB, " MiB")
        print()
        print("| target | measured | result |")
        print("| --- | --- | --- |")
        for name, measured, ok in results:
            print(f"| {name} | {measured} | {'met' if ok else '**MISSED**'} |")
        print()
        return results


def requests_cells(row: Row, tools: int) -> str:
    """API and download requests per tool, and connections per host, per run (a range when
    the runs differ)."""
    def per_run(key: str, per_tool: bool) -> str:
        values = sorted({s.stats.get(key, 0) for s in row.samples})
        fmt = (lambda v: f"{v / tools:.1f}") if per_tool else str
        return fmt(values[0]) if len(values) == 1 else f"{fmt(values[0])}-{fmt(values[-1])}"
    if row.key.startswith("curl"):
        return f"0 | {per_run('dl_requests', True)} | - / {per_run('dl_connections', False)}"
    return (f"{per_run('api_requests', True)} | {per_run('dl_requests', True)} | "
            f"{per_run('api_connections', False)} / {per_run('dl_connections', False)}")


def sum_stats(row: Row, key: str) -> int:
    if row.key in ("true", "version", "which", "list", "outdated", "version_musl",
                   "which_musl"):
        # Start-up rows share one count for all their runs.
        return row.samples[0].stats.get(key, 0) if row.samples else 0
    return sum(s.stats.get(key, 0) for s in row.samples)


def _shell_quote(text: str) -> str:
    if text and all(c.isalnum() or c in "/._-=:@" for c in text):
        return text
    return "'" + text.replace("'", "'\\''") + "'"


def cpu_user_seconds() -> float:
    """CPU seconds the whole machine spent running programs (user mode, all processes), from
    /proc/stat. Kernel time is left out: the kernel's share of this benchmark (loopback
    networking, writeback of the installs) is not charged to its processes."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    user, nice = int(fields[0]), int(fields[1])
    return (user + nice) / os.sysconf("SC_CLK_TCK")


def own_user_seconds() -> float:
    """User-mode CPU seconds of this script and every child it waited for (the server, haul,
    curl, tar, hyperfine and their children)."""
    import resource
    return sum(resource.getrusage(who).ru_utime
               for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))


def haul_version(haul: Path) -> str:
    done = subprocess.run([str(haul), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "haul (version unknown)"


def git_commit() -> str:
    done = subprocess.run(["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "-C", str(HERE), "status", "--porcelain", "--", ":/src",
                            ":/Cargo.toml", ":/Cargo.lock"], capture_output=True, text=True,
                           check=False).stdout.strip()
    return (done.stdout.strip() or "unknown") + ("+changes" if dirty else "")


def machine() -> str:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores ({cpu}), Linux {platform.release()}"


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    p.add_argument("--haul", type=Path, required=True,
                   help="the release build of haul (bench/run passes it)")
    p.add_argument("--haul-musl", type=Path, help="the static musl build (its rows are "
                   "skipped without it)")
    p.add_argument("--server", type=Path, required=True,
                   help="haul-bench-server (bench/run passes it)")
    p.add_argument("--fixtures", type=Path, default=HERE.parent / "target" / "bench-fixtures",
                   help="where fixtures are kept between runs")
    p.add_argument("--tools", "-n", type=int, default=10, help="N: tools to install")
    p.add_argument("--size", "-s", type=float, default=20, help="S: MiB per tool (unpacked)")
    p.add_argument("--runs", type=int, default=5, help="runs per row (median)")
    p.add_argument("--seq-runs", type=int, default=3,
                   help="runs of the one-after-another rows")
    p.add_argument("--startup-runs", type=int, default=200, help="runs per start-up row")
    p.add_argument("--jobs", "-j", type=int, help="pass -j to haul install (haul's default)")
    p.add_argument("--scenarios", default="wan,lan", help="which scenarios, comma-separated")
    for name, defaults in (("wan", (50, 100, 200)), ("lan", (0, 0, 0))):
        p.add_argument(f"--{name}-request-ms", type=float, default=defaults[0],
                       help=f"{name}: delay before each request is answered")
        p.add_argument(f"--{name}-connect-ms", type=float, default=defaults[1],
                       help=f"{name}: delay before a new connection's first request")
        p.add_argument(f"--{name}-mbit", type=float, default=defaults[2],
                       help=f"{name}: bandwidth cap per connection, Mbit/s (0 = none)")
    p.add_argument("--no-startup", action="store_true", help="skip the start-up rows")
    p.add_argument("--no-hyperfine", action="store_true",
                   help="time start-up rows with the built-in loop even if hyperfine exists")
    p.add_argument("--no-fail", action="store_true",
                   default=os.environ.get("HAUL_BENCH_NO_FAIL", "") not in ("", "0"),
                   help="exit 0 when a target is missed (also HAUL_BENCH_NO_FAIL=1)")
    p.add_argument("--json", type=Path, help="also write the raw results here")
    p.add_argument("--note", action="append", help="a note to print under the table")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = p.parse_args(argv)
    if args.tools < 1 or args.runs < 1 or args.seq_runs < 1 or args.startup_runs < 1:
        p.error("--tools and the run counts must be at least 1")
    if args.tools > 99:
        p.error("--tools is at most 99")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    fixtures_dir = args.fixtures
    for path in (args.haul, args.server) + ((args.haul_musl,) if args.haul_musl else ()):
        if not os.access(path, os.X_OK):
            print(f"bench: {path} is not an executable", file=sys.stderr)
            return 2
    if not os.access(GNU_TIME, os.X_OK):
        print(f"bench: {GNU_TIME} (GNU time, Debian package `time`) is needed for peak RSS",
              file=sys.stderr)
        return 2
    if not shutil.which("curl") or not shutil.which("tar"):
        print("bench: curl and tar are needed for the floor rows", file=sys.stderr)
        return 2
    bench = Bench(args)
    started = (time.monotonic(), cpu_user_seconds(), own_user_seconds(), os.getloadavg()[0])
    try:
        print(f"== fixtures in {fixtures_dir}", file=sys.stderr)
        bench.stamp = fixtures.ensure(fixtures_dir, args.tools, args.size)
        bench.server = Server(args.server, fixtures_dir)
        if shutil.which("eget"):
            bench.notes.append("eget is on PATH but has no setting for the GitHub API URL, "
                               "so it cannot be pointed at the loopback server: no eget rows.")
        if not args.no_startup:
            bench.run_startup()  # first: the machine is quietest before the big installs
        for name in [s for s in args.scenarios.split(",") if s]:
            if name not in ("wan", "lan"):
                raise BenchError(f"unknown scenario {name!r} (wan, lan)")
            bench.run_scenario(Scenario(
                name, getattr(args, f"{name}_request_ms"), getattr(args, f"{name}_connect_ms"),
                getattr(args, f"{name}_mbit")))
        bench.server.close()  # reaped, so its CPU time counts as this run's own
        bench.server = None
        wall = time.monotonic() - started[0]
        others = (cpu_user_seconds() - started[1]) - (own_user_seconds() - started[2])
        share = max(0.0, others) / (wall * (os.cpu_count() or 1))
        bench.load = (f"other programs used {share:.0%} of the machine's CPU time during the "
                      f"{wall:.0f} s of this run (1-minute load average {started[3]:.2f} at its "
                      "start)")
        if share > 0.05:
            bench.load += "; with the machine this busy, the numbers are not reliable"
        results = bench.report()
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        return 2
    finally:
        if bench.server:
            bench.server.close()
        if args.keep:
            print(f"bench: kept {bench.work}", file=sys.stderr)
        else:
            shutil.rmtree(bench.work, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps({
            "fixtures": bench.stamp,
            "scenarios": {name: {r.key: {"label": r.label, "median_s": r.median,
                                         "peak_rss_mib": r.peak_rss_mib,
                                         "samples": [s.__dict__ for s in r.samples],
                                         "last_log": r.last_log}
                                 for r in rows} for name, rows in bench.sections},
            "startup": {r.key: {"label": r.label, "median_s": r.median, "note": r.note,
                                "peak_rss_mib": r.peak_rss_mib} for r in bench.startup},
            "targets": [{"target": t, "measured": m, "met": ok} for t, m, ok in results],
            "failures": bench.failures,
        }, indent=1, default=str))
    missed = [t for t, _, ok in results if not ok]
    if missed:
        print(f"{len(missed)} target(s) missed" +
              (" (reported only: --no-fail)" if args.no_fail else ""), file=sys.stderr)
        return 0 if args.no_fail else 1
    print("every target met", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

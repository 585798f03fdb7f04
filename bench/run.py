"""The province benchmarks of DESIGN §6, each against a floor measured in the same run on the same database.

    make bench                      # full size (3,000 facilities, 300,000 people, 40,000 staff)
    BENCH_SCALE=0.1 make bench      # a tenth, for a quick run (own database carehome_bench_s100)
    .venv/bin/python -m bench.run --only scan,claims
    BENCH_PORT=8799 make bench      # gunicorn's port (default 8791; the bench refuses a port in use)

Creates and seeds its PostgreSQL database on first use (`manage.py seed_scale`), then reuses it.
Prints every figure with its ratio to the floor and its target, and writes them as JSON under
var/bench/. Figures:

1. compliance scan of every facility for today (staffing.compliance.compliance_compute) vs its own
   SQL (the same statements, timed where the database answers them);
2. the province's month of claims generated and stored: in one process as a whole, fanned out per
   county in one process, and by 1 and 2 Celery workers (Redis on 127.0.0.1:6379/11, BENCH_BROKER_URL),
   each with its peak memory, vs the floor: the same facts read and the same lines COPYed into the
   real claim-line table (its indexes, foreign keys and trigger), rolled back;
3. that month's CSV and .xlsx download (subsidies.exports.views → subsidies.exports.files), each in its own
   process for its peak memory, vs `COPY (query) TO STDOUT`;
4. pages and endpoints: (a) in-process, each with its own SQL time (the floor), wall and CPU time;
   (b) against gunicorn, each page's saturation throughput (20 clients asking again the moment they
   have their answer: requests/s per core); (c) a bureau's day, open-loop: 300 people reading each
   page 10–30 s arrive as a Poisson process over a mix of pages, filters and page numbers; p50 / p95
   / p99 from arrival to the last byte (BENCH_USERS, BENCH_DAY_SECONDS).
"""
import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROVINCE = "620000"
PORT = int(os.environ.get("BENCH_PORT", "8791"))
FULL = {"facilities": 3000, "people": 300_000, "staff": 40_000}
TARGETS = {"scan": 3.0, "claims": 60.0, "csv": 10.0, "xlsx": 60.0, "xlsx_mib": 1024.0, "p95_ms": 150.0,
           "rps_per_core": 60.0}
FLOOR_AIM = 5.0
USERS = int(os.environ.get("BENCH_USERS", "300"))  # a bureau's day: people at work at once
THINK = (10.0, 30.0)  # seconds each reads a page before the next click
DAY_SECONDS = float(os.environ.get("BENCH_DAY_SECONDS", "60"))
CPU_SAMPLES = 5


def _scale() -> float:
    value = float(os.environ.get("BENCH_SCALE", "1"))
    if not 0 < value <= 1:
        raise SystemExit("BENCH_SCALE must be in (0, 1]")
    return value


def _database_url(scale: float) -> str:
    if os.environ.get("BENCH_DATABASE_URL"):
        return os.environ["BENCH_DATABASE_URL"]
    name = "carehome_bench" if scale == 1 else f"carehome_bench_s{round(scale * 1000)}"
    return f"postgres://postgres@127.0.0.1:5432/{name}"


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    if not name.startswith("carehome_bench"):
        raise SystemExit(f"refusing to benchmark on {name!r}: the bench database's name starts with carehome_bench")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")


def _print(text: str = "") -> None:
    print(text, flush=True)


def _load() -> str:
    """The machine's load average (1 min): other work on the same two cores slows every figure."""
    return f"load {os.getloadavg()[0]:.1f}"


class Cpu:
    """CPU seconds spent by this process and by its PostgreSQL backend while the block runs.

    On a shared machine the wall-clock figures grow with everyone else's load; CPU seconds hardly
    do, so each timed figure prints both (parallel query workers are not counted)."""

    def __enter__(self):
        from django.db import connection

        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.backend = cursor.fetchone()[0]
        self.start = time.process_time() + self._backend()
        self.wall = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.process_time() + self._backend() - self.start
        self.wall = time.perf_counter() - self.wall
        return False

    def _backend(self) -> float:
        try:
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the server on another machine: only this process counts
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class SqlTime:
    """Wall time spent in the database's answers (and their round trips) while the block runs."""

    def __enter__(self):
        from django.db import connection

        self.seconds, self.queries = 0.0, 0
        self._wrapper = connection.execute_wrapper(self._timed)
        self._wrapper.__enter__()
        return self

    def __exit__(self, *exc):
        self._wrapper.__exit__(*exc)
        return False

    def _timed(self, execute, query, params, many, context):
        started = time.perf_counter()
        try:
            return execute(query, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def _ratio(value: float, floor: float) -> str:
    return f"{value / floor:.1f}×" if floor > 0 else "n/a"


def _verdict(value: float, target: float) -> str:
    return "ok" if value <= target else "MISSES target"


def _process_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _process_peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class Bench:
    def __init__(self, *, scale: float, seconds: float, clients: int):
        self.scale = scale
        self.seconds = seconds
        self.clients = clients
        self.results: dict = {"scale": scale, "started": datetime.now().isoformat(timespec="seconds")}

    # --- setup -------------------------------------------------------------------------------

    def prepare(self) -> None:
        from django.core.management import call_command

        from facilities.models import Facility

        call_command("migrate", verbosity=0, interactive=False)
        sizes = {key: max(1, round(value * self.scale)) for key, value in FULL.items()}
        present = Facility.objects.filter(region__code__startswith=PROVINCE[:2]).count()
        if present == 0:
            _print(f"seeding the province: {sizes}")
            started = time.perf_counter()
            call_command("seed_scale", **sizes, months=24, province=PROVINCE)
            self.results["seed_seconds"] = time.perf_counter() - started
        elif present != sizes["facilities"]:
            raise SystemExit(f"the bench database has {present} facilities, expected {sizes['facilities']}: "
                             "drop it (dropdb) or set BENCH_SCALE to match")
        from accounts.models import User

        self.clerk = User.objects.get(username="scale_clerk")
        self.inspector = User.objects.get(username="scale_inspector")
        from django.utils import timezone

        self.today = timezone.localdate()
        self.month = self.today.replace(day=1)

    # --- 1. compliance scan ------------------------------------------------------------------

    def scan(self) -> None:
        """The scan against its own SQL: the same statements it runs (census, staff on duty, snapshots,
        alerts), timed where the database answers them; the rest is the scan's Python."""
        from collections import Counter

        from django.db import connection

        from staffing.compliance import compliance_compute

        runs, cpus, floors = [], [], []
        for _ in range(3):
            with SqlTime() as sql, Cpu() as cpu:
                snapshots = compliance_compute(day=self.today)
            runs.append(cpu.wall)
            cpus.append(cpu.seconds)
            floors.append(sql.seconds)
        census = []
        for _ in range(3):
            with Cpu() as cpu, connection.cursor() as cursor:
                cursor.execute(CENSUS_SQL, {"day": self.today})
                cursor.fetchall()
            census.append(cpu.wall)
        value, floor, cpu_value = statistics.median(runs[1:]), statistics.median(floors[1:]), statistics.median(cpus[1:])
        statuses = Counter(s.status for s in snapshots)
        self.results["scan"] = {"first_s": runs[0], "seconds": value, "floor_s": floor, "cpu_s": cpu_value,
                                "census_s": min(census), "facilities": len(snapshots), "statuses": dict(statuses)}
        _print(f"1. compliance scan, {len(snapshots):,} facilities ({dict(statuses)})")
        _print(f"   scan {value:.2f} s (first run of the day {runs[0]:.2f} s) · floor (its own SQL: census, staff on "
               f"duty, snapshots, alerts) {floor:.2f} s · ratio {_ratio(value, floor)} · target ≤ {TARGETS['scan']:.0f} s: "
               f"{_verdict(value, TARGETS['scan'])} ({_load()})")
        _print(f"   CPU seconds (this process and its database backend): {cpu_value:.2f} · the census alone as one "
               f"hand-written aggregate: {min(census):.3f} s")

    # --- 2. claims ---------------------------------------------------------------------------

    def _clear_month(self, month: date) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("""DELETE FROM subsidies_claimline WHERE batch_id IN (
                                SELECT id FROM subsidies_claimbatch WHERE month = %s AND status NOT IN ('approved', 'paid'))""",
                           [month])
            cursor.execute("DELETE FROM subsidies_claimbatch WHERE month = %s AND status NOT IN ('approved', 'paid')",
                           [month])
            cursor.execute("DELETE FROM subsidies_generationrun WHERE month = %s", [month])

    def _generate(self, month: date):
        from subsidies.generation import claims_generate
        from subsidies.models import GenerationRun

        run = GenerationRun.objects.create(region_id=PROVINCE, month=month, requested_by=self.clerk)
        with Cpu() as cpu:
            run = claims_generate(run=run)
        self.last_cpu = cpu.seconds
        return cpu.wall, run

    def claims(self) -> None:
        """The province's month generated four ways, each in its own processes: in one process as a
        whole, fanned out per county in one process, and by 1 and 2 Celery workers; against the floor
        (the same facts read and the same lines COPYed into the real table)."""
        from django.db import connection

        from common.months import previous_month
        from subsidies.models import ClaimBatch

        before = previous_month(self.month)
        if not ClaimBatch.objects.filter(month=before, status="paid").exists():
            self._clear_month(before)
            seconds, run = self._generate(before)
            with connection.cursor() as cursor:  # last month was reviewed and paid
                cursor.execute("""UPDATE subsidies_claimbatch SET status = 'paid', submitted_at = now(),
                                  reviewed_at = now(), paid_at = now() WHERE month = %s""", [before])
            _print(f"   (setup: {before:%Y-%m} generated in {seconds:.1f} s and marked paid: {run.lines_written:,} lines)")
            self.results["claims_previous_month_s"] = seconds
        connection.close()  # the children and workers get the database to themselves
        variants = {}
        for name in ("whole", "counties"):
            self._clear_month(self.month)
            variants[name] = self._claims_child(name)
        for workers in (1, 2) if self.broker else ():
            self._clear_month(self.month)
            variants[f"{workers} worker{'s' if workers > 1 else ''}"] = self._claims_on_workers(workers)
        floor = self._claims_child("floor")
        self.results["claims"] = {"variants": variants, "floor": floor}
        _print(f"2. claims for {self.month:%Y-%m}: {floor['lines']:,} lines · floor (the facts read and the lines "
               f"COPYed into the real table) {floor['seconds']:.1f} s, {floor['cpu_s']:.1f} CPU s")
        _print(f"   {'':<14} {'seconds':>8} {'ratio':>6} {'CPU s':>7} {'peak MiB':>9}  target ≤ 1.5× floor and ≤ 400 MiB")
        for name, result in variants.items():
            verdict = ("ok" if result["seconds"] <= 1.5 * floor["seconds"] and result["peak_mib"] <= 400
                       else "MISSES")
            _print(f"   {name:<14} {result['seconds']:8.1f} {_ratio(result['seconds'], floor['seconds']):>6} "
                   f"{result['cpu_s']:7.1f} {result['peak_mib']:9.0f}  {verdict} ({_load()})")
        if not self.broker:
            _print("   (no Redis on 127.0.0.1:6379: the worker figures are left out)")

    @property
    def broker(self) -> str:
        import redis

        url = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/11")
        try:
            redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        except redis.RedisError:
            return ""
        return url

    def _claims_child(self, variant: str, env: dict | None = None) -> dict:
        out = subprocess.run(
            [sys.executable, "-m", "bench.claims_child", variant, self.month.isoformat(), PROVINCE, "scale_clerk"],
            cwd=ROOT, env={**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", **(env or {})},
            capture_output=True, text=True, check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"claims {variant} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def _claims_on_workers(self, count: int) -> dict:
        """Start `count` solo-pool workers on the bench broker, send the run, and read the workers' own
        CPU and peak memory from /proc when it is done (their database backends are not counted)."""
        import redis

        broker = self.broker
        redis.Redis.from_url(broker).flushdb()
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings", "CELERY_BROKER_URL": broker}
        logs = ROOT / "var" / "bench"
        logs.mkdir(parents=True, exist_ok=True)
        workers = [subprocess.Popen([sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
                                     "--loglevel=WARNING", "--hostname", f"bench{n}@%h",
                                     "--logfile", str(logs / f"worker-{n}.log")],
                                    cwd=ROOT, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL) for n in range(count)]
        try:
            time.sleep(5)  # the workers connect before the run is sent
            result = self._claims_child("workers", env={"CELERY_BROKER_URL": broker})
            result["cpu_s"] = sum(_process_cpu(worker.pid) for worker in workers)
            result["peak_mib"] = max(_process_peak_mib(worker.pid) for worker in workers)
            return result
        finally:
            for worker in workers:
                self._stop(worker)

    # --- 3. exports --------------------------------------------------------------------------

    def _child(self, fmt: str) -> dict:
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        out = subprocess.run(
            [sys.executable, "-m", "bench.export_child", fmt, self.month.isoformat(), "scale_clerk", PROVINCE[:2]],
            cwd=ROOT, env=env, capture_output=True, text=True, check=False,
        )
        if out.returncode != 0:
            raise RuntimeError(f"export {fmt} failed:\n{out.stderr[-3000:]}")
        return json.loads(out.stdout.strip().splitlines()[-1])

    def exports(self) -> None:
        floor = min((self._child("floor") for _ in range(2)), key=lambda r: r["seconds"])
        zipped = self._child("floor-zip")
        csv = self._child("csv")
        xlsx = self._child("xlsx")
        self.results["exports"] = {"floor": floor, "floor_zip": zipped, "csv": csv, "xlsx": xlsx}
        _print(f"3. exports of {self.month:%Y-%m} ({floor['lines']:,} lines; floor COPY TO STDOUT {floor['seconds']:.2f} s, "
               f"{floor['bytes'] / 2**20:.0f} MiB, peak {floor['peak_mib']:.0f} MiB)")
        _print(f"   (the .xlsx floor adds the zip step: the same rows deflated as a spreadsheet's zip does, "
               f"{zipped['seconds']:.2f} s)")
        for name, result, target, base in (("csv", csv, TARGETS["csv"], floor), ("xlsx", xlsx, TARGETS["xlsx"], zipped)):
            verdict = _verdict(result["seconds"], target)
            if name == "xlsx" and result["peak_mib"] > TARGETS["xlsx_mib"]:
                verdict = "MISSES memory target"
            _print(f"   .{name} {result['seconds']:.1f} s ({result['cpu_s']:.1f} CPU s vs floor {floor['cpu_s']:.1f}) · "
                   f"{result['bytes'] / 2**20:.0f} MiB · peak memory "
                   f"{result['peak_mib']:.0f} MiB (process baseline {result['baseline_mib']:.0f} MiB) · ratio "
                   f"{_ratio(result['seconds'], base['seconds'])} · target ≤ {target:.0f} s"
                   f"{' and ≤ 1 GiB' if name == 'xlsx' else ''}: {verdict} ({_load()})")

    # --- 4. pages and endpoints --------------------------------------------------------------

    def _targets(self) -> list[tuple[str, str, str]]:
        from subsidies.models import ClaimBatch

        batches = ClaimBatch.objects.filter(month=self.month).order_by("line_count")
        count = batches.count()
        median = batches[count // 2] if count else None
        largest = batches.last()
        pages = [
            ("web", "facility list", "/facilities/"),
            ("web", "resident list", "/people/"),
            ("web", "alert list", "/alerts/"),
            ("api", "facilities", "/api/facilities"),
            ("api", "people", "/api/people"),
            ("api", "alerts", "/api/alerts"),
        ]
        for label, batch in (("median", median), ("largest", largest)):
            if batch is not None:
                pages.append(("web", f"batch detail ({label}: {batch.line_count} lines)", f"/subsidies/claims/{batch.pk}/"))
                pages.append(("api", f"batch ({label})", f"/api/subsidies/batches/{batch.pk}"))
                pages.append(("api", f"batch lines ({label})", f"/api/subsidies/batches/{batch.pk}/lines"))
        return pages

    def pages(self) -> None:
        """Each page and endpoint in this process, one request at a time: its queries, its own SQL time
        (the floor: what the database spends answering them, round trips included), its wall and CPU
        time and its size; the targets are ≤ 3× its SQL time and ≤ 15 ms CPU (30 ms for a batch)."""
        from django.test import Client

        from accounts.tokens import api_token_create

        client = Client()
        client.force_login(self.clerk)
        self.session = client.cookies["sessionid"].value
        _token, self.token = api_token_create(user=self.clerk, name=f"bench {datetime.now():%Y-%m-%d %H:%M:%S}")

        self.measured = {}
        _print(f"4a. pages and endpoints in-process, one at a time (median of {CPU_SAMPLES}; signed in as the "
               "province's subsidy clerk)")
        _print(f"   {'':<44} {'queries':>7} {'SQL ms':>7} {'wall ms':>8} {'ratio':>6} {'CPU ms':>7} {'KiB':>6}  target")
        for kind, label, path in self._targets():
            headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if kind == "api" else {}
            response = client.get(path, **headers)  # warm caches (translations, templates)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            walls, cpus, sqls = [], [], []
            for _ in range(CPU_SAMPLES):
                with SqlTime() as sql, Cpu() as cpu:
                    response = client.get(path, **headers)
                walls.append(cpu.wall * 1000)
                cpus.append(cpu.seconds * 1000)
                sqls.append(sql.seconds * 1000)
            wall, cpu_ms, sql_ms = (statistics.median(values) for values in (walls, cpus, sqls))
            limit = 30.0 if "batch detail" in label else 15.0
            verdict = "ok" if wall <= 3 * sql_ms and cpu_ms <= limit else "MISSES"
            row = {"kind": kind, "label": label, "path": path, "queries": sql.queries, "sql_ms": sql_ms,
                   "wall_ms": wall, "cpu_ms": cpu_ms, "kib": len(response.content) / 1024, "verdict": verdict}
            self.measured[path] = row
            _print(f"   {kind + ' ' + label:<44} {sql.queries:7d} {sql_ms:7.1f} {wall:8.1f} "
                   f"{_ratio(wall, sql_ms):>6} {cpu_ms:7.1f} {row['kib']:6.0f}  ≤ 3× SQL and ≤ {limit:.0f} ms CPU: "
                   f"{verdict}")
        self.results["pages"] = list(self.measured.values())
        _print("   (CPU ms: this process and its database backend; wall ms with nothing else queued)")

    def web(self) -> None:
        """Against gunicorn: each page's saturation throughput (clients asking again the moment they have
        their answer), then a bureau's day (open-loop arrivals of USERS people over a mix of pages)."""
        if not getattr(self, "measured", None):
            self.pages()
        server = self._start_gunicorn()
        try:
            self._saturation()
            self._day()
        finally:
            self._stop(server)

    def _saturation(self) -> None:
        from .load import run_load

        cores = os.cpu_count() or 1
        rows = []
        _print(f"4b. saturation: {self.clients} clients without pauses, {self.seconds:.0f} s each, gunicorn "
               f"{self.gunicorn_shape} on 127.0.0.1:{PORT}; target ≥ {TARGETS['rps_per_core']:.0f} requests/s per core "
               "for list pages")
        _print(f"   {'':<44} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>7} {'per core':>9}  errors")
        for kind, label, path in self._targets():
            result = run_load(host="127.0.0.1", port=PORT, path=path, headers=self._headers(kind),
                              clients=self.clients, seconds=self.seconds)
            per_core = result.rps / cores
            listed = "list" in label or label in ("facilities", "people", "alerts")
            flag = "" if not listed or per_core >= TARGETS["rps_per_core"] else "  ← misses"
            rows.append({"kind": kind, "label": label, "path": path, "p50_ms": result.p50, "p95_ms": result.p95,
                         "rps": result.rps, "rps_per_core": per_core, "errors": result.errors,
                         "statuses": result.statuses, "load": os.getloadavg()[0]})
            _print(f"   {kind + ' ' + label:<44} {result.p50:8.0f} {result.p95:8.0f} {result.rps:7.1f} {per_core:9.1f}"
                   f"  {result.errors}{flag} ({_load()})")
        self.results["saturation"] = {"gunicorn": self.gunicorn_shape, "clients": self.clients, "rows": rows}

    def _headers(self, kind: str) -> dict:
        return {"Authorization": f"Bearer {self.token}"} if kind == "api" else {"Cookie": f"sessionid={self.session}"}

    def _day(self) -> None:
        from subsidies.models import ClaimBatch

        from .load import Visit, run_open_loop

        month = f"{self.month:%Y-%m}"
        batches = list(ClaimBatch.objects.filter(month=self.month).order_by("?").values_list("pk", flat=True)[:40])
        web, api = self._headers("web"), self._headers("api")
        visits = [
            Visit("web home", 10, ("/",), web),
            Visit("web resident list", 20, tuple(
                [f"/people/?page={n}" for n in range(1, 60)] + [f"/people/?category=full&page={n}" for n in range(1, 10)]
                + [f"/people/?sort=-birth_date&page={n}" for n in range(1, 10)] + ["/people/?assessment_overdue=on"]), web),
            Visit("web facility list", 12, tuple(
                [f"/facilities/?page={n}" for n in range(1, 30)] + ["/facilities/?kind=care_home", "/facilities/?status=suspended",
                                                                      "/facilities/?sort=-bed_capacity&page=2"]), web),
            Visit("web alert list", 8, tuple(f"/alerts/?page={n}" for n in range(1, 8)) + ("/alerts/?state=all",), web),
            Visit("web batch list", 8, tuple(f"/subsidies/claims/?month={month}&page={n}" for n in range(1, 20)), web),
            Visit("web batch detail", 12, tuple(f"/subsidies/claims/{pk}/" for pk in batches) or ("/",), web),
            Visit("api people", 15, tuple(f"/api/people?limit=50&offset={50 * n}" for n in range(40)), api),
            Visit("api facilities", 8, tuple(f"/api/facilities?limit=50&offset={50 * n}" for n in range(20)), api),
            Visit("api alerts", 7, tuple(f"/api/alerts?limit=50&offset={50 * n}" for n in range(5)), api),
        ]
        results = run_open_loop(host="127.0.0.1", port=PORT, visits=visits, users=USERS, think=THINK,
                                seconds=DAY_SECONDS)
        _print(f"4c. a bureau's day: {USERS} people reading each page {THINK[0]:g}–{THINK[1]:g} s, arriving open-loop "
               f"(Poisson, {USERS / sum(THINK) * 2:.0f} requests/s) for {DAY_SECONDS:.0f} s; latency from arrival to "
               f"the last byte; target p95 ≤ {TARGETS['p95_ms']:.0f} ms")
        _print(f"   {'':<28} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}  errors")
        rows = []
        for label, result in results.items():
            verdict = "ok" if result.p95 <= TARGETS["p95_ms"] else "MISSES"
            rows.append({"label": label, "requests": result.requests, "p50_ms": result.p50, "p95_ms": result.p95,
                         "p99_ms": result.p99, "errors": result.errors, "statuses": result.statuses})
            _print(f"   {label:<28} {result.requests:8d} {result.p50:8.0f} {result.p95:8.0f} {result.p99:8.0f}  "
                   f"{result.errors}  {verdict}")
        _print(f"   ({_load()})")
        self.results["day"] = {"users": USERS, "think_s": THINK, "seconds": DAY_SECONDS, "rows": rows}

    def _start_gunicorn(self):
        import http.client

        workers = int(os.environ.get("BENCH_WORKERS", "4"))
        threads = int(os.environ.get("BENCH_THREADS", "2"))
        self.gunicorn_shape = f"{workers} workers × {threads} threads (gthread)"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.settings"}
        command = [str(Path(sys.executable).parent / "gunicorn"), "config.wsgi:application",
                   "--config", "python:config.gunicorn", "--bind",
                   f"127.0.0.1:{PORT}", "--workers", str(workers), "--threads", str(threads), "--worker-class",
                   "gthread", "--keep-alive", "30", "--log-level", "warning", "--timeout", "120"]
        probe = socket.socket()
        try:
            probe.bind(("127.0.0.1", PORT))  # never measure someone else's server
        except OSError as error:
            raise SystemExit(f"port {PORT} is in use ({error}): set BENCH_PORT to a free port") from error
        finally:
            probe.close()
        server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                connection.request("GET", "/accounts/login/")
                if connection.getresponse().status == 200:
                    return server
            except OSError:
                time.sleep(0.3)
            if server.poll() is not None:
                raise RuntimeError("gunicorn exited")
        self._stop(server)
        raise RuntimeError("gunicorn did not start")

    @staticmethod
    def _stop(server) -> None:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait()

    def save(self) -> Path:
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"results-{datetime.now():%Y%m%d-%H%M%S}.json"
        path.write_text(json.dumps(self.results, indent=2, default=str), encoding="utf-8")
        return path


CENSUS_SQL = """
SELECT s.facility_id,
       count(*) FILTER (WHERE NOT o.orphan AND COALESCE(a.category, 'full') = 'full') AS full,
       count(*) FILTER (WHERE NOT o.orphan AND a.category = 'partial') AS partial,
       count(*) FILTER (WHERE NOT o.orphan AND a.category = 'self_care') AS self_care,
       count(*) FILTER (WHERE o.orphan) AS orphans,
       count(*) FILTER (WHERE NOT o.orphan AND a.category IS NULL) AS unassessed
FROM residents_stay s
LEFT JOIN LATERAL (
  SELECT CASE WHEN due_on >= %(day)s THEN category END AS category FROM residents_selfcareassessment
  WHERE person_id = s.person_id AND assessed_on <= %(day)s ORDER BY assessed_on DESC, id DESC LIMIT 1
) a ON true
CROSS JOIN LATERAL (
  SELECT EXISTS (SELECT 1 FROM residents_supportstatus
                 WHERE person_id = s.person_id AND kind IN ('orphan', 'unsupported_child')
                   AND confirmed_on <= %(day)s AND (terminated_on IS NULL OR terminated_on > %(day)s)) AS orphan
) o
WHERE s.admitted_on <= %(day)s AND (s.ended_on IS NULL OR s.ended_on > %(day)s)
GROUP BY s.facility_id
"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default="scan,claims,exports,pages,web",
                        help="comma-separated: scan,claims,exports,pages,web")
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", "8")),
                        help="load per page or endpoint")
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args(argv)
    scale = _scale()
    url = _database_url(scale)
    _ensure_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    bench = Bench(scale=scale, seconds=args.seconds, clients=args.clients)
    started = time.perf_counter()
    bench.prepare()
    import platform

    _print(f"bench on {urllib.parse.urlparse(url).path.lstrip('/')} (scale {scale:g}); {os.cpu_count()} cores, "
           f"Python {platform.python_version()}, {_server_version()}; today {bench.today}")
    for name in args.only.split(","):
        getattr(bench, name.strip())()
    bench.results["total_s"] = time.perf_counter() - started
    _print(f"results written to {bench.save().relative_to(ROOT)} ({bench.results['total_s']:.0f} s in all)")


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        return "PostgreSQL " + cursor.fetchone()[0].split()[0]


if __name__ == "__main__":
    main()

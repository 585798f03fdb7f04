"""Two small HTTP load generators against one local port, over keep-alive connections.

`run_load`: a closed loop of N client threads, each sending its next request as soon as the previous
answer has been read (no think time: the saturation throughput), or after a pause like a person
reading the page (`think` seconds on average, uniform between half and one and a half times it).

`run_open_loop`: a bureau's day, requests arriving as a Poisson process over a mix of pages.

Bounded in time and count; only ever talks to the loopback address it is given.
"""
import http.client
import random
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class LoadResult:
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[index]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else float("nan")

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)


def run_load(*, host: str, port: int, path: str, headers: dict[str, str], clients: int = 20, seconds: float = 8.0,
             warmup: float = 1.0, max_requests: int = 100_000, think: float = 0.0) -> LoadResult:
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load generator only targets this machine")
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors = 0
    lock = threading.Lock()
    start_barrier = threading.Barrier(clients + 1)
    state = {"measure_from": 0.0, "stop_at": 0.0, "last": 0.0}

    def client():
        nonlocal errors
        connection = http.client.HTTPConnection(host, port, timeout=60)
        mine, my_statuses, my_errors, my_last = [], {}, 0, 0.0
        pauses = random.Random(threading.get_ident())
        start_barrier.wait()
        if think:  # people do not all click at the same instant
            time.sleep(pauses.uniform(0, think))
        while True:
            now = time.perf_counter()
            if now >= state["stop_at"]:
                break
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(host, port, timeout=60)
                status = -1
            done = time.perf_counter()
            if now >= state["measure_from"]:  # started after the warm-up; counted however long it takes
                mine.append((done - now) * 1000)
                my_last = max(my_last, done)
                my_statuses[status] = my_statuses.get(status, 0) + 1
                if status != 200:
                    my_errors += 1
                if len(mine) >= max_requests // clients:
                    break
            if think:
                time.sleep(pauses.uniform(0.5 * think, 1.5 * think))
        connection.close()
        with lock:
            state["last"] = max(state["last"], my_last)
            latencies.extend(mine)
            errors += my_errors
            for key, value in my_statuses.items():
                statuses[key] = statuses.get(key, 0) + value

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for thread in threads:
        thread.start()
    begin = time.perf_counter()
    state["measure_from"] = begin + warmup
    state["stop_at"] = begin + warmup + seconds
    start_barrier.wait()
    for thread in threads:
        thread.join(timeout=warmup + seconds + 120)
    elapsed = max(seconds, state["last"] - state["measure_from"])
    return LoadResult(requests=len(latencies), errors=errors, seconds=elapsed, latencies_ms=latencies, statuses=statuses)


@dataclass(frozen=True)
class Visit:
    """One kind of page a bureau's users open, how often (weight), and the addresses it may take
    (varied filters and page numbers, so caches are cold as in a day of real use)."""

    label: str
    weight: float
    paths: tuple[str, ...]
    headers: dict


def run_open_loop(*, host: str, port: int, visits: list[Visit], users: int = 300, think: tuple = (10.0, 30.0),
                  seconds: float = 60.0, threads: int = 64, seed: int = 2026) -> dict[str, LoadResult]:
    """A bureau's working day, open-loop: `users` people each reading a page for `think` seconds
    (uniform) between clicks arrive as a Poisson process of rate users / mean think, whatever the
    server's speed. Each request's latency runs from its scheduled arrival to its last byte, so time
    spent waiting for a free server counts. Returns a LoadResult per visit label, and "all"."""
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise ValueError("the load generator only targets this machine")
    chooser = random.Random(seed)
    rate = users / ((think[0] + think[1]) / 2)
    arrivals, clock = [], 0.0
    while True:
        clock += chooser.expovariate(rate)
        if clock >= seconds:
            break
        visit = chooser.choices(visits, weights=[v.weight for v in visits])[0]
        arrivals.append((clock, visit, chooser.choice(visit.paths)))
    results: dict[str, list] = {visit.label: [] for visit in visits}
    statuses: dict[str, dict[int, int]] = {visit.label: {} for visit in visits}
    lock = threading.Lock()
    queue = list(reversed(arrivals))
    local = threading.local()
    begin = time.perf_counter() + 0.5

    def worker():
        while True:
            with lock:
                if not queue:
                    return
                at, visit, path = queue.pop()
            delay = begin + at - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
            connection = getattr(local, "connection", None) or http.client.HTTPConnection(host, port, timeout=60)
            local.connection = connection
            try:
                connection.request("GET", path, headers=visit.headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                connection.close()
                local.connection = None
                status = -1
            latency = (time.perf_counter() - (begin + at)) * 1000
            with lock:
                results[visit.label].append(latency)
                statuses[visit.label][status] = statuses[visit.label].get(status, 0) + 1

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 300)
    out = {
        label: LoadResult(requests=len(values), errors=sum(n for s, n in statuses[label].items() if s != 200),
                          seconds=seconds, latencies_ms=values, statuses=statuses[label])
        for label, values in results.items()
    }
    everything = [value for values in results.values() for value in values]
    out["all"] = LoadResult(requests=len(everything), errors=sum(r.errors for r in out.values()), seconds=seconds,
                            latencies_ms=everything, statuses={})
    return out

"""Running calls at the same instant, for the concurrency tests on PostgreSQL."""
import threading

from django.db import connection


def in_parallel(*calls):
    """Run the calls at the same moment in threads, each with its own connection; return results or errors."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 (the race's losers are part of the result)
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results

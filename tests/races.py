"""The race tests' harness: real threads, each with its own database connection."""

import threading

from django.db import connections


def run_concurrently(work, arguments):
    """Run `work(argument)` in one thread per argument, released together; returns the
    errors the threads raised."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def target(argument):
        try:
            barrier.wait()
            work(argument)
        except Exception as error:  # noqa: BLE001 - collected and asserted on by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(argument,)) for argument in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors

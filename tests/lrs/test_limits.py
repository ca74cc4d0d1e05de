"""The rate buckets themselves (Limits.take), on SQLite (in memory) and PostgreSQL (shared).

On PostgreSQL several buckets are taken in one round trip by a database function; these
tests hold it to the same rules as the in-memory buckets: all or none, a new bucket
starts full, giving back works, and parallel takes never hand out more than the burst.
"""

from __future__ import annotations

import threading

from toolkit.lrs.auth import Limits
from toolkit.lrs.storage import open_storage

SLOW = 1e-6  # tokens per second: no refill during a test


def test_buckets_are_taken_all_or_none(db_url):
    storage = open_storage(db_url)
    try:
        limits = Limits(storage)
        assert limits.take([("a", SLOW, 3.0)])            # a: 2 left
        assert limits.take([("b", SLOW, 1.0)])            # b: 0 left
        assert not limits.take([("a", SLOW, 3.0), ("b", SLOW, 1.0)])  # b is empty: a keeps its 2
        assert [limits.take([("a", SLOW, 3.0)]) for _ in range(3)] == [True, True, False]
        assert limits.take([("b", SLOW, 1.0)], cost=-1)   # giving back
        assert limits.take([("b", SLOW, 1.0)])
        assert not limits.take([("b", SLOW, 1.0)])
    finally:
        storage.close()


def test_the_order_of_buckets_does_not_matter(db_url):
    storage = open_storage(db_url)
    try:
        limits = Limits(storage)
        assert limits.take([("z", SLOW, 1.0), ("y", SLOW, 2.0)])
        assert not limits.take([("y", SLOW, 2.0), ("z", SLOW, 1.0)])  # z is empty
        assert limits.take([("y", SLOW, 2.0)])                         # y still had one
        assert not limits.take([("y", SLOW, 2.0)])
    finally:
        storage.close()


def test_parallel_takes_never_exceed_the_burst(db_url):
    storage = open_storage(db_url)
    try:
        limits = Limits(storage)
        granted: list[bool] = []
        lock = threading.Lock()

        def worker(n: int) -> None:
            for _ in range(10):  # two shared buckets, named in both orders (deadlock-prone if unordered)
                names = [("shared-1", SLOW, 25.0), ("shared-2", SLOW, 1000.0)]
                got = limits.take(names if n % 2 else names[::-1])
                with lock:
                    granted.append(got)

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert len(granted) == 60
        assert granted.count(True) == 25
        assert limits.take([("shared-2", SLOW, 1000.0)])  # and shared-2 was charged only for the 25
        left = sum(limits.take([("shared-2", SLOW, 1000.0)]) for _ in range(1000 - 25))
        assert left == 1000 - 25 - 1
    finally:
        storage.close()


def test_full_buckets_are_pruned_and_spent_ones_kept(db_url):
    """PostgreSQL keeps the buckets in a table: rows of buckets that are full again go, so the
    table does not grow with every address and key name ever seen; a spent bucket stays."""
    import time

    storage = open_storage(db_url)
    try:
        if not storage.postgres:
            return  # SQLite's buckets are in memory, bounded by Limits itself
        limits = Limits(storage)
        assert limits.take([("quick", 1000.0, 5.0)])  # full again after 1 ms
        assert limits.take([("slow", SLOW, 5.0)])     # 4 left, for good
        time.sleep(0.05)
        storage.prune_buckets()  # (a take may have pruned already: one in a hundred does)
        assert {r[0] for r in storage.fetchall("SELECT name FROM rate_buckets")} == {"slow"}
        assert [limits.take([("slow", SLOW, 5.0)]) for _ in range(5)] == [True] * 4 + [False]
        assert limits.take([("quick", 1000.0, 5.0)])  # a pruned bucket starts full
    finally:
        storage.close()


def test_per_address_limits_count_an_ipv6_client_by_its_64_network():
    from toolkit.lrs.request import address_key

    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:203.0.113.7") == address_key("203.0.113.7") == "203.0.113.7"
    assert address_key("testclient") == "testclient"

"""Exact and near-duplicate detection, so syndicated copies are not counted as independent sources.

Exact copies share a hash of their normalised text. Near copies (the same
wire story with another headline, a trimmed ending, different furniture) are
found with MinHash over word 5-shingles and an LSH index, then confirmed by
the estimated Jaccard similarity.

Copies of a story appear within days of each other, so the index is cut by
publication day and an article is compared with the originals published up to
``DAYS`` days before or after it: the days it needs are loaded from the store
when first asked for and the least recently used are dropped beyond ``HELD``
originals, so the memory of an ingest follows the window, not the corpus (at
10^6 articles a day the corpus does not fit in one process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 5
#: datasketch hashing scheme; stored signatures are only comparable within one scheme.
SCHEME = "affine32"
#: Estimated Jaccard similarity of shingle sets above which two articles are copies.
THRESHOLD = 0.7
#: An article is compared with the originals published this many days before or after it.
DAYS = 7
#: Originals held in memory at most (~5.5 KB each): a store with fewer is read whole, once; beyond, the
#: least recently used days are dropped and read again from the store when an article needs them.
HELD = 20_000
_WORD = re.compile(r"\w+")


def content_hash(text: str) -> str:
    """Hash of the text with case and spacing folded: equal for copies that differ only in layout."""
    folded = " ".join(_WORD.findall(text.casefold()))
    return hashlib.blake2b(folded.encode("utf-8"), digest_size=16).hexdigest()


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


def signature(text: str) -> MinHash:
    """MinHash of the word 5-shingles; CRC-32 hashes the shingles (stable across runs, and fast)."""
    tokens = _WORD.findall(text.casefold())
    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))}
    mh = MinHash(num_perm=NUM_PERM, scheme=SCHEME, hashfunc=_crc32, permutations=_permutations())
    mh.update_batch([s.encode("utf-8") for s in shingles])
    return mh


@lru_cache(maxsize=1)
def _permutations():
    """One set of permutations shared by every signature, instead of one copy per object."""
    return MinHash(num_perm=NUM_PERM, scheme=SCHEME).permutations


def to_bytes(mh: MinHash) -> bytes:
    return mh.hashvalues.astype(np.uint64).tobytes()


def from_bytes(data: bytes) -> MinHash:
    return MinHash(
        num_perm=NUM_PERM, scheme=SCHEME, hashfunc=_crc32, permutations=_permutations(),
        hashvalues=np.frombuffer(data, dtype=np.uint64),
    )


@lru_cache(maxsize=4)
def _lsh_params(threshold: float) -> tuple[int, int]:
    """datasketch's (bands, rows) for the threshold: it computes them by numerical integration at every
    index it builds, which costs more than a day's partition of a small corpus; computed once here."""
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    return lsh.b, lsh.r


#: Loads the stored originals (doc_id, publication day or None, signature bytes) of the days from
#: ``first`` to ``last`` (both None: the undated ones).
Loader = Callable[[dt.date | None, dt.date | None], Iterable[tuple[str, dt.date | None, bytes]]]


class _Day:
    """The LSH index of one publication day's originals (or of the undated ones)."""

    def __init__(self, threshold: float):
        self.lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM, params=_lsh_params(threshold))
        self.sigs: dict[str, MinHash] = {}


class NearDuplicates:
    """An LSH index of the originals, one partition per publication day. Without a ``load`` function it starts
    empty (what this process adds is all there is). With one, it reads the whole store if that holds at most
    ``held`` originals, and otherwise the days near each article asked about, the first time it is needed."""

    def __init__(self, load: Loader | None = None, threshold: float = THRESHOLD, days: int = DAYS,
                 held: int = HELD):
        self.threshold, self.days, self.held = threshold, days, held
        self._load = load
        # the days read or started, least recently used first; None: a day without originals
        self._days: OrderedDict[dt.date, _Day | None] = OrderedDict()
        self._undated = _Day(threshold)
        self._day_of: dict[str, dt.date | None] = {}  # where each held original is indexed
        self._complete = True  # every stored original is held: a day not seen yet has none
        if load:
            self._fill(load(None, None))
            if not self._fill(load(dt.date.min, dt.date.max), limit=held):
                for d in list(self._days):  # the last day read may be partial: none is kept
                    self._forget(d)

    def __len__(self) -> int:
        """Originals held in memory."""
        return len(self._day_of)

    def add(self, doc_id: str, mh: MinHash, published: dt.date | None = None) -> None:
        """Index an original; an updated article that is still an original replaces its old signature."""
        if doc_id in self._day_of:
            self._remove(doc_id)
        if published is not None:
            self._window(published, 0)
        self._put(doc_id, published, mh)

    def original_of(self, doc_id: str, mh: MinHash, published: dt.date | None = None) -> tuple[str, float] | None:
        """The most similar original at or above the threshold, if any: among those published within ``days``
        of ``published`` and the undated ones; an undated article is compared with every day held."""
        parts = [self._undated, *(self._window(published, self.days) if published else self._days.values())]
        best: tuple[str, float] | None = None
        for part in parts:
            for other in part.lsh.query(mh) if part else ():
                if other == doc_id:
                    continue
                sim = mh.jaccard(part.sigs[other])
                if sim >= self.threshold and (best is None or sim > best[1] or (sim == best[1] and other < best[0])):
                    best = (other, round(float(sim), 4))
        return best

    def _window(self, day: dt.date, days: int) -> list[_Day | None]:
        """The partitions of the days around ``day``: those not held are read from the store (in one read), and
        the least recently used other days dropped while more than ``held`` originals are held."""
        wanted = [day + dt.timedelta(d) for d in range(-days, days + 1)]
        missing = [d for d in wanted if d not in self._days]
        for d in missing:
            self._days[d] = None
        if missing and self._load and not self._complete:
            new = set(missing)
            self._fill(row for row in self._load(missing[0], missing[-1]) if row[1] in new)
        for d in wanted:
            self._days.move_to_end(d)
        for d in list(itertools.islice(self._days, len(self._days) - len(wanted))):  # least recently used first
            if len(self) <= self.held:
                break
            self._forget(d)
        return [self._days[d] for d in wanted]

    def _forget(self, day: dt.date) -> None:
        """Drop a day from memory: from now on, a day not held is read from the store."""
        dropped = self._days.pop(day)
        self._complete = False
        for other in dropped.sigs if dropped else ():
            del self._day_of[other]

    def _fill(self, rows: Iterable[tuple[str, dt.date | None, bytes]], limit: int | None = None) -> bool:
        """Index these stored originals; False if that stopped at more than ``limit``."""
        for doc_id, published, sig in rows:
            if doc_id not in self._day_of:  # one this run re-dated and indexed under its new day already
                if published is not None:
                    self._days.setdefault(published, None)
                self._put(doc_id, published, from_bytes(sig))
                if limit is not None and len(self) > limit:
                    return False
        return True

    def _put(self, doc_id: str, published: dt.date | None, mh: MinHash) -> None:
        if published is None:
            part = self._undated
        else:
            part = self._days[published] = self._days[published] or _Day(self.threshold)
        part.lsh.insert(doc_id, mh)
        part.sigs[doc_id] = mh
        self._day_of[doc_id] = published

    def _remove(self, doc_id: str) -> None:
        published = self._day_of.pop(doc_id)
        part = self._undated if published is None else self._days[published]
        part.lsh.remove(doc_id)
        del part.sigs[doc_id]

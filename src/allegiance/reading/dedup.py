"""Exact and near-duplicate detection, so syndicated copies are not counted as independent sources.

Exact copies share a hash of their normalised text. Near copies (the same
wire story with another headline, a trimmed ending, different furniture) are
found with MinHash over word 5-shingles and an LSH index, then confirmed by
the estimated Jaccard similarity.

Copies of a story appear within days of each other, so the index is cut by
publication day and an article is compared with the originals published up to
``DAYS`` days before or after it: the days it needs are loaded from the store
when first asked for and the least recently used are dropped beyond
``RESIDENT`` days, so the memory of an ingest follows the window, not the
corpus (at 10^6 articles a day the corpus does not fit in one process).
"""

from __future__ import annotations

import datetime as dt
import hashlib
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
#: Days of the index held in memory at most (the least recently used beyond are dropped): several windows,
#: so articles arriving a few days out of order do not reload the same days again and again.
RESIDENT = 4 * (2 * DAYS + 1)
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
    """An LSH index of the originals, one partition per publication day; only the days near the articles
    asked about are held. Without a ``load`` function it starts empty (what this process adds is all
    there is); with one, a day is read from the store the first time it is needed."""

    def __init__(self, load: Loader | None = None, threshold: float = THRESHOLD, days: int = DAYS,
                 resident: int = RESIDENT):
        self.threshold, self.days, self.resident = threshold, days, resident
        self._load = load
        self._days: OrderedDict[dt.date, _Day] = OrderedDict()  # least recently used first
        self._undated = _Day(threshold)
        self._day_of: dict[str, dt.date | None] = {}  # where each held original is indexed
        if load:
            self._fill(load(None, None))

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
            for other in part.lsh.query(mh):
                if other == doc_id:
                    continue
                sim = mh.jaccard(part.sigs[other])
                if sim >= self.threshold and (best is None or sim > best[1] or (sim == best[1] and other < best[0])):
                    best = (other, round(float(sim), 4))
        return best

    def _window(self, day: dt.date, days: int) -> list[_Day]:
        """The partitions of the days around ``day``, loading those not held (in one read) and dropping the least
        recently used beyond ``resident``."""
        wanted = [day + dt.timedelta(d) for d in range(-days, days + 1)]
        missing = [d for d in wanted if d not in self._days]
        for d in missing:
            self._days[d] = _Day(self.threshold)
        if missing and self._load:
            new = set(missing)
            self._fill(row for row in self._load(missing[0], missing[-1]) if row[1] in new)
        for d in wanted:
            self._days.move_to_end(d)
        while len(self._days) > max(self.resident, len(wanted)):
            _, dropped = self._days.popitem(last=False)
            for other in dropped.sigs:
                del self._day_of[other]
        return [self._days[d] for d in wanted]

    def _fill(self, rows: Iterable[tuple[str, dt.date | None, bytes]]) -> None:
        for doc_id, published, sig in rows:
            if doc_id not in self._day_of:  # one this run re-dated and indexed under its new day already
                self._put(doc_id, published, from_bytes(sig))

    def _put(self, doc_id: str, published: dt.date | None, mh: MinHash) -> None:
        part = self._undated if published is None else self._days[published]
        part.lsh.insert(doc_id, mh)
        part.sigs[doc_id] = mh
        self._day_of[doc_id] = published

    def _remove(self, doc_id: str) -> None:
        published = self._day_of.pop(doc_id)
        part = self._undated if published is None else self._days[published]
        part.lsh.remove(doc_id)
        del part.sigs[doc_id]

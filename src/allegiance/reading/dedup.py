"""Exact and near-duplicate detection, so syndicated copies are not counted as independent sources.

Exact copies share a hash of their normalised text. Near copies (the same
wire story with another headline, a trimmed ending, different furniture) are
found with MinHash over word 5-shingles and an LSH index, then confirmed by
the estimated Jaccard similarity.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from functools import lru_cache

import numpy as np
from datasketch import MinHash, MinHashLSH

NUM_PERM = 128
SHINGLE = 5
#: datasketch hashing scheme; stored signatures are only comparable within one scheme.
SCHEME = "affine32"
#: Estimated Jaccard similarity of shingle sets above which two articles are copies.
THRESHOLD = 0.7
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


class NearDuplicates:
    """An LSH index of the originals seen so far."""

    def __init__(self, threshold: float = THRESHOLD):
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        self._sigs: dict[str, MinHash] = {}

    def __len__(self) -> int:
        return len(self._sigs)

    def add(self, doc_id: str, mh: MinHash) -> None:
        """Index an original; an updated article that is still an original replaces its old signature
        (the index already holds every stored original when ingest reads it again)."""
        if doc_id in self._sigs:
            self._lsh.remove(doc_id)
        self._lsh.insert(doc_id, mh)
        self._sigs[doc_id] = mh

    def original_of(self, doc_id: str, mh: MinHash) -> tuple[str, float] | None:
        """The most similar indexed article at or above the threshold, if any."""
        best: tuple[str, float] | None = None
        for other in self._lsh.query(mh):
            if other == doc_id:
                continue
            sim = mh.jaccard(self._sigs[other])
            if sim >= self.threshold and (best is None or sim > best[1] or (sim == best[1] and other < best[0])):
                best = (other, round(float(sim), 4))
        return best

"""The train / valid / test split: stable by piece id, with no leakage by content.

A piece's split comes from the sha256 of its id (90 / 5 / 5), so it never changes when other pieces
are added or removed. Pieces with the same content hash (the same notes under two ids, such as a
chorale that music21 holds twice) all go to the earliest of test, valid, train that any of them drew,
so that no test piece is also trained on.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from typing import Iterable

SPLIT_RULE = ("int(sha256(piece id)[:8 bytes]) % 100: 0-89 train, 90-94 valid, 95-99 test; pieces sharing "
              "a content hash all go to the earliest of test, valid, train drawn by any of them")
_PRECEDENCE = {"test": 0, "valid": 1, "train": 2}


def split_by_id(piece_id: str) -> str:
    bucket = int.from_bytes(hashlib.sha256(piece_id.encode("utf-8")).digest()[:8], "big") % 100
    return "train" if bucket < 90 else "valid" if bucket < 95 else "test"


def assign_splits(pieces: Iterable[tuple[str, str]]) -> dict[str, str]:
    """``{id: split}`` for (id, content hash) pairs, duplicates sent to their group's earliest split."""
    pieces = list(pieces)
    drawn = {piece_id: split_by_id(piece_id) for piece_id, _ in pieces}
    group_split: dict[str, str] = {}
    for piece_id, digest in pieces:
        current = group_split.get(digest)
        if current is None or _PRECEDENCE[drawn[piece_id]] < _PRECEDENCE[current]:
            group_split[digest] = drawn[piece_id]
    return {piece_id: group_split[digest] for piece_id, digest in pieces}


def duplicate_groups(pieces: Iterable[tuple[str, str]]) -> list[list[str]]:
    """Ids that share a content hash, groups of two or more, sorted."""
    by_hash: dict[str, list[str]] = defaultdict(list)
    for piece_id, digest in pieces:
        by_hash[digest].append(piece_id)
    return sorted(sorted(ids) for ids in by_hash.values() if len(ids) > 1)

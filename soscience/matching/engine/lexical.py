"""A small BM25 index over stemmed words, so vocabulary the lexicon does not know (a brand,
a place, a method) still brings the right people closer. Postings are numpy arrays sorted
by word; scoring a query is one `bincount` over the postings of its words."""

from __future__ import annotations

from array import array
from collections import Counter
from collections.abc import Iterable

import numpy as np

from .text import NEGATIONS, Token, lexical_key

K1, B = 1.2, 0.75
MAX_DF_SHARE = 0.25  # a word in a quarter of all profiles says nothing about anyone


class LexicalIndex:
    def __init__(self, documents: Iterable[list[Token]]) -> None:
        vocabulary: dict[str, int] = {}
        words, docs, counts = array("i"), array("i"), array("f")
        lengths = array("f")
        for doc_id, toks in enumerate(documents):
            bag = Counter(lexical_key(t) for t in toks if t.folded not in NEGATIONS)
            lengths.append(sum(bag.values()))
            for key, tf in bag.items():
                words.append(vocabulary.setdefault(key, len(vocabulary)))
                docs.append(doc_id)
                counts.append(tf)
        self.size = len(lengths)
        self.vocabulary = vocabulary
        word_ids = np.frombuffer(words, dtype=np.int32)
        doc_ids = np.frombuffer(docs, dtype=np.int32)
        tfs = np.frombuffer(counts, dtype=np.float32)
        dl = np.frombuffer(lengths, dtype=np.float32)
        order = np.argsort(word_ids, kind="stable")
        self.docs = doc_ids[order]
        df = np.bincount(word_ids, minlength=len(vocabulary)).astype(np.float32)
        self.starts = np.concatenate([[0], np.cumsum(df)]).astype(np.int64)
        avgdl = float(dl.mean()) if self.size else 1.0
        tf = tfs[order]
        norm = K1 * (1 - B + B * dl[self.docs] / max(avgdl, 1e-9))
        idf = np.log1p((self.size - df + 0.5) / (df + 0.5)).astype(np.float32)
        idf[df > max(MAX_DF_SHARE * self.size, 5)] = 0.0
        self.weights = (idf[word_ids[order]] * tf * (K1 + 1) / (tf + norm)).astype(np.float32)

    def scores(self, query: list[Token]) -> np.ndarray:
        """BM25 score of every document for the query (each distinct word counted once)."""
        ids = {self.vocabulary.get(lexical_key(t)) for t in query if t.folded not in NEGATIONS}
        spans = [(self.starts[i], self.starts[i + 1]) for i in ids if i is not None]
        if not spans:
            return np.zeros(self.size, dtype=np.float32)
        docs = np.concatenate([self.docs[a:b] for a, b in spans])
        weights = np.concatenate([self.weights[a:b] for a, b in spans])
        return np.bincount(docs, weights=weights, minlength=self.size).astype(np.float32)


def normalised(scores: np.ndarray) -> np.ndarray:
    top = float(scores.max()) if scores.size else 0.0
    return scores / top if top > 0 else scores

"""A small span project on disk: a WRENCH sequence set of eight documents and weaklabel.toml."""

from pathlib import Path

from weaklabel.review.project import Project
from weaklabel.spans import SeqSplit, SpanMatrix, write_seq_split

TOKENS = [["Ada", "Lovelace", "met", "Charles", "Babbage", "in", "London", "."],
          ["The", "Mac", "OS", "runs", "in", "Paris", "."],
          ["Mary", "Somerville", "moved", "to", "Florence", "."],
          ["Bob", "stayed", "home", "."],
          ["Eve", "visited", "Rome", "with", "Max", "."],
          ["Nothing", "here", "."],
          ["Dr", "Grace", "Hopper", "left", "New", "York", "."],
          ["Alan", "Turing", "worked", "in", "Manchester", "."]]
# names and cities; they dispute boundaries in documents 0, 1 and 6
VOTES = [[[(0, 2, "PER"), (3, 5, "PER")], [(6, 7, "LOC"), (4, 7, "LOC")]],
         [[(0, 2, "PER")], [(1, 3, "LOC"), (5, 6, "LOC")]],
         [[(0, 2, "PER")], [(4, 5, "LOC")]],
         [[(0, 1, "PER")], []],
         [[(0, 1, "PER"), (4, 5, "PER")], [(2, 3, "LOC")]],
         [[], []],
         [[(0, 3, "PER")], [(1, 3, "PER"), (4, 6, "LOC")]],
         [[(0, 2, "PER")], [(4, 5, "LOC")]]]


def span_project(folder: Path, **settings) -> Path:
    """Write the set (split train) and a kind = "spans" project beside it; returns the toml path."""
    L = SpanMatrix.from_spans(VOTES, [len(t) for t in TOKENS], ["PER", "LOC"], ["names", "cities"])
    write_seq_split(folder / "toy", "train", SeqSplit([f"doc{i}" for i in range(len(TOKENS))], TOKENS, None, L))
    values = dict(name="toy-spans", kind="spans", data="toy", split="train", refit_every=1000, overlap=1,
                  audit_fraction=0.0, leads=["lea"], root=folder)
    values.update(settings)
    path = folder / "weaklabel.toml"
    Project(**values).save(path)
    return path

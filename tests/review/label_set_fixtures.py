"""A small multi-label project on disk: twelve comments in a CSV, four LFs over three emotions,
and weaklabel.toml (kind = "multilabel")."""

from pathlib import Path

from weaklabel.review.project import Project

TEXTS = ["thank you so much, this is great",          # gratitude (and admiration: 'great')
         "lol that is hilarious",                     # amusement
         "I hate this, it is not funny",              # 'funny' says amusement; 'not funny' says no
         "great job, thanks",                         # gratitude, admiration
         "haha thanks man",                           # amusement, gratitude
         "what a great idea",                         # admiration
         "this is fine",                              # nothing
         "thanks for nothing, not funny",             # 'thanks' and 'funny' fire; 'not funny' votes against
         "so funny and great",                        # amusement, admiration
         "ok",                                        # nothing
         "thanks!",                                   # gratitude
         "lol great"]                                 # amusement, admiration

LFS_MODULE = '''
from weaklabel import labeling_function
from weaklabel.multilabel import keyword_lf

LABELS = ["admiration", "amusement", "gratitude"]


@labeling_function()
def not_funny(x):  # a negative vote
    return {"amusement": False} if "not funny" in x.body else None


LFS = [keyword_lf("great", "amazing", labels="admiration", column="body", name="praise"),
       keyword_lf("lol", "haha", "hilarious", "funny", labels="amusement", column="body", name="laughing"),
       keyword_lf("thanks", "thank you", labels="gratitude", column="body", name="thanks"),
       not_funny]
'''


def label_set_project(folder: Path, **settings) -> Path:
    """Write the items (items.csv, ids c0..c11), the LF module and the project; returns the toml path."""
    import pandas as pd

    pd.DataFrame({"cid": [f"c{i}" for i in range(len(TEXTS))], "body": TEXTS}).to_csv(folder / "items.csv",
                                                                                     index=False)
    (folder / "emotion_lfs.py").write_text(LFS_MODULE, encoding="utf-8")
    values = dict(name="toy-emotions", kind="multilabel", data="items.csv", id_column="cid", text_column="body",
                  lfs="emotion_lfs.py", refit_every=1000, overlap=1, audit_fraction=0.0, leads=["lea"],
                  root=folder)
    values.update(settings)
    path = folder / "weaklabel.toml"
    Project(**values).save(path)
    return path

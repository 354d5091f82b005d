"""LFs for 3-class sentiment of short comments (negative / neutral / positive), written the way a
new user writes them: keywords, a few regexes and a valence lexicon. Column ``text``.

Several rules are weak on purpose, as users' first rules are: the hedge and function-word rules
for neutral are right about a third of the time on GoEmotions, where a third of the comments
are neutral. ``goemotions_sentiment`` turns GoEmotions (Demszky et al., 2020, Apache-2.0) into
this task with the paper's own sentiment grouping; comments whose emotions span groups, or are
ambiguous (confusion, curiosity, realization, surprise), are left out.
"""

from __future__ import annotations

from pathlib import Path

from weaklabel import LabelSpace, keyword_lf, regex_lf
from weaklabel.learn.model_lfs import lexicon_lf, vader_lexicon

LABELS = LabelSpace(["negative", "neutral", "positive"])
NEG, NEU, POS = LABELS.negative, LABELS.neutral, LABELS.positive

LFS = [
    keyword_lf("love", "loved", "lovely", "adore", label=POS, name="kw_love"),
    keyword_lf("thanks", "thank you", "thx", "grateful", "appreciate", label=POS, name="kw_thanks"),
    keyword_lf("great", "awesome", "amazing", "excellent", "fantastic", "wonderful", "best", label=POS,
               name="kw_great"),
    keyword_lf("lol", "haha", "lmao", "hilarious", "funny", label=POS, name="kw_laugh"),
    keyword_lf("congrats", "congratulations", "proud", "happy", "glad", label=POS, name="kw_happy"),
    keyword_lf("hate", "hated", "disgusting", "gross", "awful", "terrible", "worst", label=NEG, name="kw_hate"),
    keyword_lf("sad", "sorry", "unfortunately", "depressing", "miss", label=NEG, name="kw_sad"),
    keyword_lf("stupid", "idiot", "dumb", "moron", "pathetic", "trash", label=NEG, name="kw_insult"),
    keyword_lf("angry", "annoying", "annoyed", "pissed", "wtf", "ugh", label=NEG, name="kw_angry"),
    keyword_lf("scared", "afraid", "worried", "nervous", "terrifying", label=NEG, name="kw_fear"),
    regex_lf(r"\?\s*$", label=NEU, name="re_question"),
    regex_lf(r"^\s*(yes|no|yeah|nope|ok|okay)\b[^!]*$", label=NEU, name="re_short_answer"),
    regex_lf(r"!", label=POS, name="re_exclaim"),
    regex_lf(r"\b(i think|probably|maybe|it's|that's|this is)\b", label=NEU, name="re_hedge"),
    regex_lf(r"\b(is|are|was|the)\b", label=NEU, name="re_function_words"),
    lexicon_lf(vader_lexicon(), name="vader", positive=POS, negative=NEG),
]

# the GoEmotions paper's sentiment grouping (ambiguous emotions are left out)
POSITIVE = {"admiration", "amusement", "approval", "caring", "desire", "excitement", "gratitude", "joy", "love",
            "optimism", "pride", "relief"}
NEGATIVE = {"anger", "annoyance", "disappointment", "disapproval", "disgust", "embarrassment", "fear", "grief",
            "nervousness", "remorse", "sadness"}


def goemotions_sentiment(folder: str | Path, split: str):
    """GoEmotions' ``{split}.tsv`` as this task: a frame with ``text`` and ``label`` (0, 1, 2), the
    comments whose emotions all fall in one of negative, neutral (the "neutral" label) or positive."""
    import pandas as pd

    folder = Path(folder)
    names = (folder / "labels.txt").read_text(encoding="utf-8").split()
    df = pd.read_csv(folder / f"{split}.tsv", sep="\t", header=None, names=["text", "emotions", "id"], quoting=3,
                     dtype=str, keep_default_na=False)

    def group(cell: str) -> int:
        kinds = {NEG if names[int(i)] in NEGATIVE else POS if names[int(i)] in POSITIVE
                 else NEU if names[int(i)] == "neutral" else -1 for i in cell.split(",")}
        return kinds.pop() if len(kinds) == 1 else -1

    df["label"] = df["emotions"].map(group)
    return df.loc[df["label"] >= 0, ["id", "text", "label"]].reset_index(drop=True)

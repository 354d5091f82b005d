"""Multi-label LFs for the 28 GoEmotions labels (27 emotions and neutral), column ``text``.

Written as a user would: by reading comments of the train split (and the words most often
found in each emotion's train comments), never dev or test. Each LF's name says what it looks
for. Most vote one emotion; a few vote two that go together (a "thank you so much, this is
great" is gratitude and admiration). Several are weak on purpose, as users' first rules are.
``goemotions(folder, split)`` reads a split: the frame and its (n, 28) gold matrix.
"""

from __future__ import annotations

from pathlib import Path

from weaklabel.multilabel import keyword_lf, lexicon_lf, regex_lf

LABELS = ["admiration", "amusement", "anger", "annoyance", "approval", "caring", "confusion", "curiosity", "desire",
          "disappointment", "disapproval", "disgust", "embarrassment", "excitement", "fear", "gratitude", "grief",
          "joy", "love", "nervousness", "optimism", "pride", "realization", "relief", "remorse", "sadness",
          "surprise", "neutral"]

LFS = [
    # admiration
    keyword_lf("awesome", "amazing", "beautiful", "excellent", "fantastic", "gorgeous", "impressive", "brilliant",
               "incredible", "wonderful", "adorable", "stunning", labels="admiration", name="kw_praise_words"),
    keyword_lf("great job", "well done", "good job", "nice work", "respect", "legend", "hero", labels="admiration",
               name="kw_praise_phrases"),
    keyword_lf("great", "nice", "cute", "cool", labels="admiration", name="kw_mild_praise"),
    # amusement
    keyword_lf("lol", "lmao", "lmfao", "rofl", "haha", "hahaha", "hehe", labels="amusement", name="kw_laughing"),
    keyword_lf("funny", "hilarious", "laughed", "laughing", "cracked me up", "made me laugh", labels="amusement",
               name="kw_funny"),
    regex_lf(r"\b(ha){2,}\b|\bxd\b", labels="amusement", name="re_haha"),
    # anger
    keyword_lf("fuck you", "how dare", "dare you", "shut up", "piss off", "screw you", labels="anger",
               name="kw_hostile_address"),
    keyword_lf("angry", "furious", "rage", "livid", "infuriating", "hate", "hated", labels="anger",
               name="kw_anger_words"),
    keyword_lf("asshole", "bastard", "bastards", "bitch", "scum", labels="anger", name="kw_slurs"),
    # annoyance
    keyword_lf("annoying", "annoyed", "irritating", "frustrating", "frustrated", "tired of", "sick of",
               labels="annoyance", name="kw_annoyed"),
    keyword_lf("stupid", "idiot", "idiots", "dumb", "moron", "ridiculous", "bullshit", labels="annoyance",
               name="kw_insults"),
    keyword_lf("ugh", "smh", "seriously", "come on", labels="annoyance", name="kw_exasperation"),
    # approval
    keyword_lf("agree", "agreed", "exactly", "this is true", "so true", "good point", "fair point", "well said",
               labels="approval", name="kw_agreement"),
    regex_lf(r"^\s*(yes|yep|yeah|yup|true|correct|right)\b", labels="approval", name="re_starts_with_yes"),
    keyword_lf("support", "recommend", "worth it", "makes sense", labels="approval", name="kw_endorse"),
    # caring
    keyword_lf("take care", "be careful", "stay safe", "hope you're ok", "hope you are ok", "hugs", "sending love",
               "you got this", "you'll be fine", labels="caring", name="kw_take_care"),
    keyword_lf("worry", "concerned", "bless", "pray", "praying", labels="caring", name="kw_concern"),
    # confusion
    keyword_lf("confused", "confusing", "no idea", "idk", "i don't understand", "i dont understand", "what do you mean",
               "huh", labels="confusion", name="kw_confused"),
    regex_lf(r"\?\s*\?|\bwhat\?", labels="confusion", name="re_double_question"),
    # curiosity
    keyword_lf("curious", "wondering", "i wonder", "anyone know", "does anyone", "can someone", "how do", "how does",
               labels="curiosity", name="kw_curious"),
    regex_lf(r"^\s*(what|why|how|where|when|who|is|are|do|does|did|can|could)\b[^.!]*\?\s*$", labels="curiosity",
             name="re_question_sentence"),
    # desire
    keyword_lf("i wish", "wish i", "i want", "i need", "would love to", "i'd love", "can't wait to have", "want one",
               labels="desire", name="kw_wish_want"),
    # disappointment
    keyword_lf("disappointed", "disappointing", "disappointment", "let down", "letdown", "unfortunately", "shame",
               labels="disappointment", name="kw_letdown"),
    keyword_lf("upset", "depressing", "bummer", "too bad", labels="disappointment", name="kw_bummer"),
    # disapproval
    keyword_lf("disagree", "not true", "wrong", "nope", "nah", "no way", "bad take", "unpopular", labels="disapproval",
               name="kw_disagree"),
    regex_lf(r"\b(don't|dont|shouldn't|should not|isn't|is not)\b.*\b(good|right|ok|okay|fair)\b",
             labels="disapproval", name="re_negated_approval"),
    # disgust
    keyword_lf("disgusting", "gross", "nasty", "vile", "revolting", "sickening", "eww", "ew", labels="disgust",
               name="kw_disgust"),
    keyword_lf("awful", "worst", "horrible", "creepy", labels="disgust", name="kw_awful"),
    # embarrassment
    keyword_lf("embarrassing", "embarrassed", "awkward", "ashamed", "cringe", "cringy", "oops", labels="embarrassment",
               name="kw_embarrassed"),
    # excitement
    keyword_lf("excited", "exciting", "can't wait", "cant wait", "yay", "woohoo", "hype", "hyped", labels="excitement",
               name="kw_excited"),
    regex_lf(r"!{2,}", labels="excitement", name="re_exclamations"),
    keyword_lf("happy cake day", "cake day", "cakeday", "happy birthday", labels=["excitement", "joy"],
               name="kw_cake_day"),
    # fear
    keyword_lf("scared", "scary", "afraid", "terrified", "terrifying", "frightening", "horrifying", "fear",
               labels="fear", name="kw_afraid"),
    keyword_lf("nightmare", "dangerous", "creepy", "panic", labels="fear", name="kw_threat"),
    # gratitude
    keyword_lf("thanks", "thank you", "thank", "thx", "ty", "many thanks", labels="gratitude", name="kw_thanks"),
    keyword_lf("appreciate it", "appreciated", "grateful", "thanks for sharing", "thank you for sharing",
               labels="gratitude", name="kw_appreciate"),
    keyword_lf("thank you so much", "thanks so much", "thanks a lot", labels=["gratitude", "admiration"],
               name="kw_thanks_warmly"),
    # grief
    keyword_lf("rest in peace", "rip", "passed away", "died", "funeral", "my condolences", "condolences",
               labels=["grief", "sadness"], name="kw_death"),
    # joy
    keyword_lf("happy", "glad", "so happy", "delighted", "joy", "enjoy", "enjoyed", "enjoying", labels="joy",
               name="kw_happy"),
    regex_lf(r"[:;]-?\)|:d\b|\u263a|\U0001F600|\U0001F60A|\U0001F604", labels="joy", name="re_smiley"),
    # love
    keyword_lf("love", "loved", "loves", "loving", "adore", labels="love", name="kw_love"),
    keyword_lf("favorite", "favourite", "my heart", labels="love", name="kw_favorite"),
    regex_lf(r"<3|\u2764|\U0001F60D|\U0001F970", labels="love", name="re_heart"),
    # nervousness
    keyword_lf("nervous", "anxious", "anxiety", "worried", "worrying", "stressed", "freaking out", labels="nervousness",
               name="kw_nervous"),
    # optimism
    keyword_lf("hope", "hopefully", "hoping", "fingers crossed", "good luck", "best of luck", "will get better",
               labels="optimism", name="kw_hope"),
    keyword_lf("someday", "one day", "in the future", "next time", "things will", labels="optimism",
               name="kw_future"),
    # pride
    keyword_lf("proud", "so proud", "pride", "proud of you", "proud of myself", labels="pride", name="kw_proud"),
    # realization
    keyword_lf("realized", "realize", "realizing", "realise", "just noticed", "turns out", "til", "never knew",
               "didn't know", "now i know", labels="realization", name="kw_realize"),
    # relief
    keyword_lf("relieved", "relief", "phew", "thank god", "thank goodness", "finally", "close call", labels="relief",
               name="kw_relief"),
    # remorse
    keyword_lf("sorry", "my bad", "apologies", "apologize", "regret", "my fault", "guilty", labels="remorse",
               name="kw_sorry"),
    keyword_lf("sorry for your loss", "so sorry to hear", "sorry to hear", labels=["sadness", "caring"],
               name="kw_sympathy"),
    # sadness
    keyword_lf("sad", "sadly", "heartbreaking", "heartbroken", "crying", "cry", "tears", "depressed", "lonely",
               "miss", labels="sadness", name="kw_sad"),
    keyword_lf("hurts", "painful", "pain", "poor", "unfortunate", "devastating", labels="sadness", name="kw_hurt"),
    # surprise
    keyword_lf("wow", "whoa", "omg", "oh my god", "holy shit", "no way", "surprised", "shocked", "unbelievable",
               "can't believe", "cant believe", labels="surprise", name="kw_wow"),
    # neutral
    regex_lf(r"^[^!?]{0,60}\.?$", labels="neutral", name="re_short_plain_statement"),
    regex_lf(r"\b(is|are|was|were|the|it)\b[^!?]*$", labels="neutral", name="re_flat_description"),
    keyword_lf("remindme", "source", "edit", "link", "according to", labels="neutral", name="kw_informational"),
    # a small emotion lexicon, one LF: each word votes its label(s)
    lexicon_lf({"cheers": "joy", "congrats": ["gratitude", "admiration"], "congratulations": ["admiration", "joy"],
                "beautiful": "admiration", "lovely": "love", "hilarious": "amusement", "terrible": "fear",
                "awesome": "admiration", "damn": "annoyance", "sucks": "annoyance", "pissed": "anger",
                "ashamed": "embarrassment", "wish": "desire", "curious": "curiosity", "confused": "confusion",
                "shocked": "surprise"}, name="lex_emotion_words"),
]


def goemotions(folder: str | Path, split: str):
    """A GoEmotions split: (frame with ``id`` and ``text``, (n, 28) 0/1 gold matrix)."""
    from weaklabel.multilabel.data import read_multilabel_split

    df, Y, names = read_multilabel_split(folder, split)
    if names != LABELS:
        raise ValueError(f"{folder}: expected GoEmotions' 28 labels, got {names}")
    return df, Y

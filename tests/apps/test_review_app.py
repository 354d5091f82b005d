"""Drive the Streamlit review app with Streamlit's AppTest."""

from pathlib import Path

import pytest

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest

from weaklabel.review.project import Project
from weaklabel.review.records import ReviewItem

APP = str(Path(__file__).resolve().parents[2] / "apps" / "review_app.py")


@pytest.fixture
def app(spam_project, monkeypatch):
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))

    def start(name: str) -> AppTest:
        at = AppTest.from_file(APP, default_timeout=60)
        at.run()
        return _sign_in(at, name)
    return start


def _sign_in(at: AppTest, name: str, secret: str | None = None) -> AppTest:
    at.text_input(key="sign-in-name").input(name)
    if secret is not None:
        at.text_input(key="sign-in-secret").input(secret)
    return at.button(key="sign-in-submit").click().run()


def _store(spam_project):
    return Project.load(spam_project).open_store()


def _open(at: AppTest, tab: str) -> AppTest:
    """Switch tabs as a click does (the app builds only the open tab)."""
    at.session_state["tab"] = tab
    return at.run()


def _decision(at: AppTest, name: str):
    """The decision button ``name`` (label-i, skip, undo) drawn for the item on screen: its key
    carries the item's number, so a press on an earlier item's button is stale."""
    assert "shown" in at.session_state, ([e.value for e in at.error], [str(x.value)[:500] for x in at.exception],
                                         [m.value for m in at.markdown][:6], [t.value for t in at.text_input])
    shown = at.session_state["shown"]
    return at.button(key=f"{name}-{shown}")


def _current_item(at):
    assert "item" in at.session_state, ([e.value for e in at.error], [str(x.value)[:500] for x in at.exception])
    return at.session_state["item"].row_id


def test_asks_for_a_name_first(spam_project, monkeypatch):
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.text_input(key="sign-in-name") and not at.tabs  # a sign-in form, nothing else
    _sign_in(at, "<b>x</b>")
    assert any("annotator: expected a name" in e.value for e in at.error)


def test_sign_in_locks_identity_and_survives_a_reload(spam_project, monkeypatch):
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    at = _sign_in(AppTest.from_file(APP, default_timeout=60).run(), "Dr. Ana Müller")
    # signed in: no name box anywhere; keys cannot edit the identity any more
    assert not [t for t in at.text_input if t.key in ("sign-in-name", "annotator")]
    assert "Dr. Ana Müller" in [t.value for t in at.sidebar.text]
    _decision(at, "label-1").click().run()
    assert _store(spam_project).events()["annotator"].tolist() == ["Dr. Ana Müller"]
    token = at.query_params["s"]
    # a reload (a new session with the same URL) keeps the signed-in expert
    again = AppTest.from_file(APP, default_timeout=60)
    again.query_params["s"] = token
    again.run()
    assert again.session_state["identity"] == "Dr. Ana Müller" and _decision(again, "label-0")
    # a forged token is ignored: back to the sign-in form
    forged = AppTest.from_file(APP, default_timeout=60)
    forged.query_params["s"] = token[:-1] + ("0" if token[-1] != "0" else "1")
    forged.run()
    assert forged.text_input(key="sign-in-name") and "identity" not in forged.session_state
    # signing out forgets the identity, and the copied link no longer signs anyone in
    at.button(key="sign-out").click().run()
    assert at.text_input(key="sign-in-name") and "s" not in at.query_params
    copied = AppTest.from_file(APP, default_timeout=60)
    copied.query_params["s"] = token
    copied.run()
    assert copied.text_input(key="sign-in-name") and "identity" not in copied.session_state


def test_with_the_team_token_each_expert_keeps_their_own_name(spam_project, monkeypatch):
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    monkeypatch.setenv("WEAKLABEL_APP_TOKEN", "team-token-123")
    pw = "correct horse battery"

    def sign_in(name, password, team="team-token-123"):
        at = AppTest.from_file(APP, default_timeout=60).run()
        at.text_input(key="sign-in-token").input(team)
        return _sign_in(at, name, password)

    ana = sign_in("ana", pw)                           # the first sign-in claims the name
    assert ana.session_state["identity"] == "ana"
    for name in ("ana", "Ana", "ＡＮＡ"):                # the token alone does not make anyone ana
        other = sign_in(name, "not anas password")
        assert any("Wrong team token, name or password" in e.value for e in other.error) and not other.tabs
    assert any("Wrong team token" in e.value for e in sign_in("ben", pw, team="guess").error)
    # a new password (say, after a leak) ends the open session at its next keypress
    _store(spam_project).set_password("ana", "a brand new password")
    _decision(ana, "label-1").click().run()
    assert ana.text_input(key="sign-in-name") and _store(spam_project).events().empty


def test_undo_shows_the_undone_item_again(app, spam_project):
    at = app("ana")
    first = _current_item(at)
    _decision(at, "label-0").click().run()
    assert _current_item(at) != first
    _decision(at, "undo").click().run()
    assert _current_item(at) == first
    _decision(at, "label-1").click().run()  # label it again, differently
    assert _store(spam_project).gold().to_dict() == {first: 1}


def test_label_skip_undo_and_the_event_lands_in_the_database(app, spam_project):
    at = app("ana")
    first = _current_item(at)
    _decision(at, "label-1").click().run()
    ev = _store(spam_project).events()
    assert ev[["row_id", "kind", "label", "annotator"]].values.tolist() == [[first, "label", 1, "ana"]]
    second = _current_item(at)
    assert second != first
    _decision(at, "skip").click().run()
    assert _store(spam_project).events()["kind"].tolist() == ["label", "skip"]
    assert _current_item(at) not in (first, second)
    _decision(at, "undo").click().run()
    assert _store(spam_project).events()["kind"].tolist() == ["label", "skip", "undo"]
    assert _store(spam_project).gold().empty


def _until(at: AppTest, seen, tries: int = 100) -> AppTest:
    """Rerun the app until ``seen(at)`` holds (a background refit finishing)."""
    import time

    for _ in range(tries):
        if seen(at):
            return at
        time.sleep(0.1)
        at.run()
    raise AssertionError("the app never showed what was expected")


@pytest.mark.usefixtures("spam_project")
def test_refit_runs_in_the_background_and_reranks_the_queue(app):
    at = app("ana")
    for _ in range(2):  # refit_every = 2 in the fixture: the second label starts a refit
        _decision(at, "label-0").click().run()
    assert at.session_state["item"] is not None      # the next item came at once, before the fit
    _until(at, lambda a: any("Refit with 2 expert labels" in i.value for i in a.info))
    at.button(key="refit").click().run()
    assert any("Refitting in the background" in t.value or "already running" in t.value for t in at.toast)


def test_two_experts_do_not_get_the_same_leased_item(app):
    ana, ben = app("ana"), app("ben")
    assert _current_item(ana) != _current_item(ben)


def test_html_in_item_text_is_shown_inert(app):
    at = app("ana")
    assert _current_item(at) == "c0"
    # c0 has matches (promo: "check out", fan: "song"), so it is shown highlighted: as HTML in
    # which every character of the data is escaped and the only tags are our <mark>s
    (elem,) = [h for h in at.get("html") if "<mark" in h.proto.body]   # the item (the other: our CSS)
    body = elem.proto.body
    assert ("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt; "
            in body)
    assert "<script" not in body and "<b>" not in body
    assert 'title="promo → SPAM">check out</mark>' in body and 'title="fan → HAM">song</mark>' in body
    rendered = [m.value for m in at.markdown] + [c.value for c in at.caption]
    assert not any("<script>" in v for v in rendered)


def test_plain_text_items_and_entities(app, spam_project):
    at = app("ana")
    store = _store(spam_project)
    # an item no LF matched is plain st.text; HTML entities show as their characters
    sess_item = ReviewItem(row_id="x", content={"text": "it&#39;s &lt;fine&gt;"}, spans={}, votes={},
                           probs={"HAM": 0.5, "SPAM": 0.5}, reason="test", source="queue")
    at.session_state["item"] = sess_item
    at.run()
    assert "it's <fine>" in [t.value for t in at.text]
    assert not [h for h in at.get("html") if "<mark" in h.proto.body]
    assert store.events().empty


def test_other_pages_render(app):
    at = app("ana")
    _decision(at, "label-1").click().run()
    assert [t.label for t in at.tabs] == ["Label", "My history", "Agreement", "LF analysis", "Suggestions", "Export"]
    _open(at, "LF analysis")
    assert at.selectbox(key="drill-lf").options == ["promo", "link", "fan"]
    assert "incorrect" in at.selectbox(key="drill-kind").options  # an expert label exists now
    assert "label-1" not in [b.key for b in at.button]  # label keys only on the Label tab
    _open(at, "Agreement")
    assert any(m.label == "rows labeled by 2+ experts" for m in at.metric)
    _open(at, "Suggestions")       # one expert label: too few to mine from, and the tab says so
    assert any("label at least 10 items first (1 so far)" in i.value for i in at.info)
    _open(at, "Export")
    assert at.get("download_button")
    assert not at.exception


def test_access_control_with_per_annotator_passwords(spam_project, monkeypatch):
    from weaklabel.review.passwords import hash_password

    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    monkeypatch.setenv("WEAKLABEL_APP_USERS", f"ana={hash_password('s3cret')}")
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.text_input(key="sign-in-secret").label == "Password"
    _sign_in(at, "ana", "wrong")
    assert any("Wrong name or password" in e.value for e in at.error) and not at.tabs
    _sign_in(at, "ana", "s3cret")
    _decision(at, "label-1").click().run()
    assert _store(spam_project).events()["annotator"].tolist() == ["ana"]
    at2 = _sign_in(AppTest.from_file(APP, default_timeout=60).run(), "mallory", "s3cret")
    assert any("Wrong name or password" in e.value for e in at2.error)


@pytest.mark.parametrize("env", [{"WEAKLABEL_APP_USERS": "ana=hunter2-plaintext"}, {"WEAKLABEL_APP_TOKEN": ""}])
def test_misconfigured_access_serves_no_one_and_echoes_nothing(spam_project, monkeypatch, env):
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    at = AppTest.from_file(APP, default_timeout=60).run()
    shown = " ".join(str(e.value) for e in [*at.error, *at.info, *at.sidebar.error, *at.markdown])
    assert "access control is misconfigured" in shown and "hunter2" not in shown
    assert not at.sidebar.text_input and not at.button  # no name box, nothing to label


def test_an_unreachable_store_never_shows_its_password(spam_project, monkeypatch, tmp_path):
    text = spam_project.read_text().replace('store = ""', 'store = "postgresql+psycopg://ana:s3cret@127.0.0.1:1/x"')
    proj = tmp_path / "pg.toml"
    proj.write_text(text)
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(proj))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.text_input(key="sign-in-name")          # the sign-in shows while the project loads
    at = _sign_in(at, "ana")
    shown = " ".join(str(e.value) for e in at.error).replace("\\", "")   # as rendered: escapes dropped
    shown = shown.replace("\u2060", "")   # md_escape's word joiner before "@" (no autolink)
    assert "Cannot open the project" in shown and "s3cret" not in shown and "ana:***@" in shown


def _project_with(spam_project, **settings):
    proj = Project.load(spam_project)
    for k, v in settings.items():
        setattr(proj, k, v)
    proj.save(spam_project)


def test_guidelines_and_label_descriptions_are_shown_without_raw_html(app, spam_project):
    (spam_project.parent / "guide.md").write_text("# How to label\n\nAds are **SPAM**. <img src=x onerror=alert(1)>")
    _project_with(spam_project, guidelines="guide.md",
                  label_descriptions={"HAM": "on-topic comment", "SPAM": "ads or links"})
    at = app("ana")
    md = [m.value for m in at.sidebar.markdown]
    assert "**SPAM**: ads or links" in md
    assert any("Ads are **SPAM**" in m.value for m in at.sidebar.markdown)  # markdown, not HTML:
    assert all(not m.proto.allow_html for m in at.sidebar.markdown)        # raw HTML is never rendered
    assert _decision(at, "label-1").proto.help == "ads or links"


def test_history_tab_lists_and_changes_a_past_label(app, spam_project):
    at = app("ana")
    first = _current_item(at)
    _decision(at, "label-1").click().run()
    _open(at, "My history")
    at.text_input(key="hist-search").input(first).run()
    assert at.selectbox(key="hist-row").options == [first]
    at.selectbox(key="hist-new").select("HAM").run()
    at.button(key="hist-change").click().run()
    assert _store(spam_project).gold().to_dict()[first] == 0
    assert _store(spam_project).events()["kind"].tolist() == ["label", "label"]


def test_a_lead_resolves_a_disagreement_in_the_agreement_tab(spam_project, monkeypatch):
    _project_with(spam_project, overlap=2, leads=["lea"])
    store = _store(spam_project)
    store.add_label("c5", 1, "ana", note="ad")
    store.add_label("c5", 0, "ben")
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    ana = _open(_sign_in(AppTest.from_file(APP, default_timeout=60).run(), "ana"), "Agreement")
    assert "adjudicate-1" not in [b.key for b in ana.button]   # not a lead: nothing to press
    lea = _open(_sign_in(AppTest.from_file(APP, default_timeout=60).run(), "lea"), "Agreement")
    assert any("ana: SPAM (ad); ben: HAM" in c.value.replace("\\", "") for c in lea.caption)  # as rendered
    lea.button(key="adjudicate-1").click().run()
    assert store.gold("adjudicated").to_dict()["c5"] == 1
    assert store.events()["source"].tolist()[-1] == "adjudication"


def test_the_lead_sees_several_open_disagreements_first_each_with_its_buttons(spam_project, monkeypatch):
    """The resolve panel was below the fold and showed one row at a time."""
    _project_with(spam_project, overlap=2, leads=["lea"])
    store = _store(spam_project)
    split = [f"c{i}" for i in range(1, 8)]
    for rid in split:
        store.add_label(rid, 1, "ana")
        store.add_label(rid, 0, "ben")
    monkeypatch.setenv("WEAKLABEL_PROJECT", str(spam_project))
    lea = _open(_sign_in(AppTest.from_file(APP, default_timeout=60).run(), "lea"), "Agreement")
    keys = [b.key for b in lea.button]
    assert {"adjudicate-0", "adjudicate-1", "adjudicate-4-0", "adjudicate-4-1"} <= set(keys)
    assert not any(k.startswith("adjudicate-5") for k in keys)            # five at once, the rest in the table
    assert lea.markdown[0].value.startswith("**7 disagreements to resolve**")  # the tab opens on them
    shown = [c.value.replace("\\", "") for c in lea.caption if c.value.startswith("row ")]
    assert len(shown) == 5 and all(" · ana: SPAM; ben: HAM" in c for c in shown)
    third = shown[2].split(" · ")[0].removeprefix("row ")
    lea.button(key="adjudicate-2-0").click().run()                      # HAM, on the third row shown
    ruled = store.gold("adjudicated")
    assert ruled[ruled >= 0].to_dict() == {third: 0}
    assert lea.markdown[0].value.startswith("**6 disagreements to resolve**")


def test_lf_accuracy_is_measured_on_audit_rows_and_queue_rows_are_shown_apart(app, spam_project):
    """Queue rows are where LFs disagree; an LF's accuracy on them misleads."""
    at = app("ana")
    for _ in range(2):
        if at.session_state["item"].source == "queue":
            _decision(at, "label-1").click().run()
    _open(at, "LF analysis")
    captions = " ".join(c.value for c in at.caption)
    store = _store(spam_project)
    sources = set(store.current_labels()["source"])
    if "audit" not in sources:
        assert "No expert-labeled audit rows yet" in captions
    assert any("rows the queue chose (biased)" in e.label for e in at.expander)
    # an audit label (drawn at random) is what empirical accuracy is measured on
    row = store.current_labels()["row_id"].iloc[0]
    store.add_label(f"{row}", 1, "ben", source="audit")
    _open(at, "Label")
    _open(at, "LF analysis")
    assert "measured on the 1 expert-labeled rows drawn at random" in " ".join(c.value for c in at.caption)


def test_data_in_markdown_elements_is_escaped():
    """Ids, notes and reasons go into captions, toasts and banners, which render
    markdown: nothing from the data may form a link, an image (fetched by the lead's browser) or
    emphasis."""
    from weaklabel.review._highlight import md_escape as md
    hostile = "![x](http://evil.example/p.png) **bold** [link](javascript:alert(1)) <b>html</b> _i_ `c`"
    out = md(hostile)
    import re

    assert not re.search(r"(?<!\\)[!\[\]()*_`<>:]", out)          # every special is escaped
    assert "(\u2060http" in out.replace("\\", "")                  # a word joiner: no autolink either
    assert out.replace("\\", "").replace("\u2060", "") == hostile   # and nothing else changes
    assert md("c41") == "c41" and md(7) == "7"
    assert md("see www.x.org or a@b.co").replace("\\", "") == "see \u2060www.x.org or a\u2060@b.co"


@pytest.mark.usefixtures("spam_project")
def test_line_breaks_and_entities_read_the_same_on_every_tab_and_long_texts_scroll():
    from weaklabel.review._highlight import display_text, highlight_html

    assert display_text("great song<br />love it &amp; more &#39;x&#39;") == "great song\nlove it & more 'x'"
    html = highlight_html("a<br />b check out", [(10, 19, "promo", "SPAM")], ["HAM", "SPAM"])
    assert "a\nb" in html and "&lt;br" not in html and "max-height:45vh" in html
    assert display_text("<script>x</script>") == "<script>x</script>"   # text, shown as text, never markup

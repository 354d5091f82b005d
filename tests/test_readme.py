"""The README's tour runs as written (with the data folder this workspace has)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_tour_runs(data_dir, capsys, monkeypatch):
    code = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    monkeypatch.setenv("WEAKLABEL_DATA", str(data_dir))  # what `weaklabel data fetch` fills for a user
    exec(compile(code, "README.md", "exec"), {})
    assert "keyword_subscribe" in capsys.readouterr().out


def test_readme_reads_right_for_a_user_of_the_package():
    text = README.read_text()
    assert text.count("../shared") == 1                   # only in the note on running the tests
    assert "weaklabel data fetch youtube" in text and "DESIGN.md" not in text


def test_readme_states_the_two_setup_commands():
    text = README.read_text()
    assert 'python -m pip install . && weaklabel demo' in text
    assert 'python -m pip install -e ".[dev]" && python -m pytest' in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert 'python -m pip install -e ".[dev]" && python -m pytest' in ci


def _run_example(heading, capsys):
    """(the first Python block under ``heading``, what it printed)."""
    text = README.read_text()
    code = re.findall(r"```python\n(.*?)```", text[text.index(heading):], re.S)[0]
    exec(compile(code, "README.md", "exec"), {})
    return code, capsys.readouterr().out


def test_span_example_runs_and_prints_what_it_says(capsys):
    code, out = _run_example("## Entities and spans", capsys)
    for line in re.findall(r"^# (\[.*\])$", code, re.M):     # the output the README shows
        assert line in out


def test_multilabel_example_runs_and_prints_what_it_says(capsys):
    code, out = _run_example("## Multi-label: several labels per item", capsys)
    shown = re.findall(r"^# (.*\])$", code, re.M)
    assert len(shown) == 6 and all(line in out for line in shown)


def test_span_store_example_continues_the_span_example(tmp_path, monkeypatch):
    """The "Expert spans" block runs after the span example, as a reader would run it."""
    monkeypatch.chdir(tmp_path)                   # it writes weaklabel-labels.db and gold.spacy here
    text = README.read_text()
    first = re.findall(r"```python\n(.*?)```", text[text.index("## Entities and spans"):], re.S)[0]
    store_block = re.findall(r"```python\n(.*?)```", text[text.index("### Expert spans"):], re.S)[0]
    ns: dict = {}
    exec(compile(first, "README.md", "exec"), ns)
    exec(compile(store_block, "README.md", "exec"), ns)
    assert sum(g is not None for g in ns["y"]) == 1
    assert ns["store"].agreement()["span_f1"].tolist() == [1.0]
    assert (tmp_path / "gold.spacy").stat().st_size > 0
    assert ns["ner"].predict_spans([d.tokens for d in ns["new"]], ns["apply_span_lfs"](ns["lfs"], ns["new"])) == [
        [(1, 3, "PER"), (4, 5, "LOC")]]

"""The README's tour runs as written (with the data folder this workspace has)."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def test_tour_runs(data_dir, capsys):
    code = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)[0]
    code = code.replace('data_dir="../shared/datasets"', f'data_dir="{data_dir}"')
    exec(compile(code, "README.md", "exec"), {})
    assert "keyword_subscribe" in capsys.readouterr().out


def test_readme_states_the_two_setup_commands():
    text = README.read_text()
    assert 'python -m pip install . && weaklabel demo' in text
    assert 'python -m pip install -e ".[dev]" && python -m pytest' in text
    ci = (README.parent / ".ci" / "run").read_text()
    assert 'python -m pip install -e ".[dev]" && python -m pytest' in ci

"""`weaklabel data fetch` against a local file:// mirror laid out like the public homes."""

import json
import shutil
import zipfile

import pytest

from weaklabel.cli import main
from weaklabel.exceptions import InputError
from weaklabel.io.datasets import load_dataset
from weaklabel.io.fetch import MANIFEST, SOURCES, fetch

from ..conftest import SHARED_DATA

pytestmark = pytest.mark.skipif(not (SHARED_DATA / "youtube").is_dir(), reason="needs ../shared/datasets")


@pytest.fixture
def mirror(tmp_path):
    """WRENCH's layout (<name>/<file>) and UCI's zips (<id>/<name>.zip), from the shared data."""
    root = tmp_path / "mirror"
    for name in ("youtube", "sms", "trec"):
        (root / "wrench" / name).mkdir(parents=True)
        for f in ("train.json", "valid.json", "test.json", "label.json", "readme.txt"):
            shutil.copy(SHARED_DATA / name / f, root / "wrench" / name / f)
    (root / "uci" / "380").mkdir(parents=True)
    with zipfile.ZipFile(root / "uci" / "380" / "youtube+spam+collection.zip", "w") as zf:
        for f in sorted((SHARED_DATA / "youtube_spam_collection_raw").glob("*.csv")):
            zf.write(f, f.name)
        zf.writestr("__MACOSX/._Youtube01-Psy.csv", b"resource fork")  # as real zips carry
    return root


def test_fetch_records_digests_and_the_loader_reads_the_cache(mirror, tmp_path, monkeypatch, capsys):
    cache = tmp_path / "cache"
    monkeypatch.setenv("WEAKLABEL_DATA", str(cache))
    assert main(["data", "fetch", "youtube", "--mirror", (mirror / "wrench").as_uri()]) == 0
    out = capsys.readouterr().out
    assert "5 files" in out and "license: CC BY 4.0" in out
    manifest = json.loads((cache / "youtube" / MANIFEST).read_text())
    assert set(manifest["sha256"]) == {"train.json", "valid.json", "test.json", "label.json", "readme.txt"}
    assert manifest["urls"][0].startswith("file://") and manifest["origin"] == SOURCES["youtube"].origin
    ds = load_dataset("youtube", split="test")             # no data_dir: the cache
    assert len(ds.df) == 250
    # a file changed on disk is an error on the next load, naming the fix
    (cache / "youtube" / "test.json").write_text("{}")
    with pytest.raises(InputError, match=r"test.json changed since it was fetched .* --force"):
        load_dataset("youtube", split="test")
    fetch("youtube", mirror=(mirror / "wrench").as_uri(), force=True)
    assert len(load_dataset("youtube", split="test").df) == 250


def test_fetch_unpacks_uci_zips_flat(mirror, tmp_path):
    folder = fetch("youtube_raw", root=tmp_path / "c", mirror=(mirror / "uci").as_uri())
    names = sorted(p.name for p in folder.iterdir())
    assert names == ["Youtube01-Psy.csv", "Youtube02-KatyPerry.csv", "Youtube03-LMFAO.csv",
                     "Youtube04-Eminem.csv", "Youtube05-Shakira.csv", MANIFEST]
    assert len(load_dataset("youtube", split="all", source="raw", data_dir=tmp_path / "c").df) == 1956


def test_fetch_errors_are_clear(tmp_path):
    with pytest.raises(InputError, match="unknown dataset 'imdb'; choose from"):
        fetch("imdb", root=tmp_path)
    with pytest.raises(InputError, match="cannot download file://.*; check the network, or pass --mirror"):
        fetch("sms", root=tmp_path, mirror=(tmp_path / "nowhere").as_uri())
    assert not any(tmp_path.iterdir()) or all(p.name != "sms" for p in tmp_path.iterdir())  # nothing half-written


def test_fetch_never_deletes_what_it_did_not_write(mirror, tmp_path):
    """Data loss: fetch replaced an existing youtube/ folder it had not made, extra files
    and subfolders included."""
    root = tmp_path / "c"
    mine = root / "youtube"
    (mine / "notes").mkdir(parents=True)
    (mine / "train.json").write_text("my own work")
    (mine / "notes" / "n.txt").write_text("keep me")
    for force in (False, True):
        with pytest.raises(InputError, match="was not made by `weaklabel data fetch`.*nothing was changed"):
            fetch("youtube", root=root, mirror=(mirror / "wrench").as_uri(), force=force)
    assert (mine / "train.json").read_text() == "my own work" and (mine / "notes" / "n.txt").is_file()
    # a folder fetch made: --force refreshes its files and leaves the user's additions alone
    other = tmp_path / "d"
    folder = fetch("youtube", root=other, mirror=(mirror / "wrench").as_uri())
    (folder / "my_lfs.py").write_text("# mine")
    (folder / "test.json").write_text("{}")                       # a damaged fetched file
    fetch("youtube", root=other, mirror=(mirror / "wrench").as_uri(), force=True)
    assert (folder / "my_lfs.py").read_text() == "# mine"
    assert len(load_dataset("youtube", split="test", data_dir=other).df) == 250   # verified, restored


def _zip(mirror, build):
    """Replace the YouTube zip of the mirror with one ``build(zipfile)`` writes."""
    path = mirror / "uci" / "380" / "youtube+spam+collection.zip"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        build(zf)
    return (mirror / "uci").as_uri()


@pytest.mark.parametrize("build, message", [
    (lambda zf: zf.writestr("bomb.csv", b"\0" * (40 << 20)), r"'bomb.csv' unpacks \d+ times its packed size"),
    (lambda zf: (zf.writestr("a/x.csv", b"1"), zf.writestr("b/x.csv", b"2")),
     r"members 'a/x.csv' and 'b/x.csv' would both unpack to 'x.csv'"),
])
def test_hostile_zips_are_refused_and_nothing_is_saved(mirror, tmp_path, build, message):
    uri = _zip(mirror, build)
    with pytest.raises(InputError, match=message):
        fetch("youtube_raw", root=tmp_path / "c", mirror=uri)
    assert list((tmp_path / "c").iterdir()) == []        # no folder, no staging, no archive left


def test_bad_downloads_are_refused(mirror, tmp_path):
    (mirror / "uci" / "380" / "youtube+spam+collection.zip").write_text("<html>Service unavailable</html>")
    with pytest.raises(InputError, match=r"is not a zip archive .*an HTML error page\?"):
        fetch("youtube_raw", root=tmp_path / "c", mirror=(mirror / "uci").as_uri())
    (mirror / "wrench" / "youtube" / "test.json").write_text("<!DOCTYPE html><p>rate limited</p>")
    with pytest.raises(InputError, match=r"test.json gave an HTML page, not the dataset file; nothing was saved"):
        fetch("youtube", root=tmp_path / "c", mirror=(mirror / "wrench").as_uri())
    assert list((tmp_path / "c").iterdir()) == []


def test_downloads_are_capped(mirror, tmp_path, monkeypatch):
    from weaklabel.io import fetch as F

    monkeypatch.setattr(F, "MAX_DOWNLOAD", 1000)
    with pytest.raises(InputError, match=r"is \d+\.\d MB, over the 0\.0 MB a dataset file may be"):
        fetch("youtube", root=tmp_path / "c", mirror=(mirror / "wrench").as_uri())
    assert list((tmp_path / "c").iterdir()) == []

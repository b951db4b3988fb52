"""The output folder of ``topics stream-nmf`` killed while a fit's files are put in place
(topics.topic_models.output_folder): at every step, the folder never holds two fits' files and a
complete fit is put in place by the next command that reads or writes it, with one message."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import topics
from topics.cli import main
from topics.errors import FileAccessError
from topics.topic_models.streaming_files import staged_output

from .conftest import user_warnings

SRC = Path(topics.__file__).resolve().parents[1]  # the package under test, for subprocesses
FIT_FILES = ["assignments.jsonl", "metrics.json", "model", "topics.csv"]

# put a complete fit (the files of folder argv[3]) in place in argv[2], the process ending at
# once (as SIGKILL: no cleanup) at its argv[1]-th step: the marker, a rename, a deletion
SWAP_KILLED = """
import os, shutil, sys
from pathlib import Path
import topics.topic_models.output_folder as of
from topics.topic_models.streaming_files import staged_output
k, folder, new = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
count = [0]
def step(real):
    def wrapped(*args, **kwargs):
        count[0] += 1
        if count[0] == k:
            os._exit(9)
        return real(*args, **kwargs)
    return wrapped
with staged_output(folder) as staging:
    for path in new.iterdir():
        (shutil.copytree if path.is_dir() else shutil.copy2)(path, staging / path.name)
    of.atomic_write, of._replace = step(of.atomic_write), step(of._replace)
    shutil.rmtree, Path.unlink, Path.rmdir = step(shutil.rmtree), step(Path.unlink), step(Path.rmdir)
print(count[0])
"""


@pytest.fixture(scope="module")
def fits(tmp_path_factory) -> tuple[Path, Path, Path]:
    """Two fits of 60 shipped articles (3 and 4 topics), each in its output folder, and the
    corpus file."""
    root = tmp_path_factory.mktemp("fits")
    corpus = root / "news.jsonl"
    corpus.write_text("".join(json.dumps({"id": a.id, "text": a.text}, ensure_ascii=False) + "\n"
                              for a in topics.load_corpus()[:60]), encoding="utf-8")
    for k in (3, 4):
        assert main(["-q", "stream-nmf", str(corpus), "-k", str(k), "--chunk-size", "30", "-o",
                     str(root / f"k{k}")]) == 0
    return root / "k3", root / "k4", corpus


def _content(path: Path) -> object:
    if path.is_dir():
        return {p.name: _content(p) for p in sorted(path.iterdir())}
    return path.read_bytes()


def _fit_of(folder: Path, fits: tuple[Path, Path, Path]) -> set[str]:
    """Which fit each of the fit's files in ``folder`` is (``k3`` or ``k4``)."""
    return {fit.name for name in FIT_FILES if (folder / name).exists()
            for fit in fits[:2] if _content(folder / name) == _content(fit / name)}


def _kill_swap(k: int, folder: Path, new: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", SWAP_KILLED, str(k), str(folder), str(new)],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(SRC)})


def test_a_kill_at_any_step_of_the_swap_leaves_a_complete_fit(fits, tmp_path) -> None:
    """The earlier fit's files were moved out and the new ones in by several renames: a kill
    in between left the output folder with files missing (`topics assign OUT/model`: "not a
    folder") and a hidden folder behind, found by nothing. Now, killed at each step: the folder
    holds one fit's files, never two; the loader puts the complete fit in place, saying so (the
    new one once its marker is written, else the earlier one stays); the next fit's start does
    the same; nothing is left behind."""
    old, new, _ = fits
    whole = _kill_swap(10_000, shutil.copytree(old, tmp_path / "whole"), new)
    steps = int(whole.stdout)  # the marker, 4 + 4 renames, the deletions
    assert steps >= 10 and _fit_of(tmp_path / "whole", fits) == {"k4"}
    for k in range(1, steps + 1):
        folder = shutil.copytree(old, tmp_path / f"killed{k}")
        assert _kill_swap(k, folder, new).returncode == 9
        assert len(_fit_of(folder, fits)) <= 1, k  # never two fits' files
        again = shutil.copytree(folder, tmp_path / f"again{k}", symlinks=True)
        (staging,) = folder.glob(".stream-nmf-*")
        committed = (staging / ".ready.json").exists() or (staging / ".earlier").exists()
        expected = {"k4"} if k > 1 else {"k3"}  # killed before its marker: not yet the fit
        said = user_warnings(lambda f=folder: topics.load_streaming_topics(f / "model"))
        assert sorted(p.name for p in folder.iterdir() if p.name in FIT_FILES) == FIT_FILES, k
        assert _fit_of(folder, fits) == expected, k
        finished = [f"{folder}: the fit that an earlier topics stream-nmf was putting in place "
                    f"when it stopped is now in place (its files were in {staging.name})"]
        assert said == (finished if committed else []), k
        assert staging.exists() == (not committed), k  # a partial fit: for the next start
        if staging.exists():
            os.utime(staging, (0, 0))  # older than a minute: not a fit just starting
        removed = [f"{folder}: removed {staging.name}, the unfinished files of a fit that "
                   "stopped before it was complete"]
        assert _start_and_stop(folder) == ([] if committed else removed), k
        assert not list(folder.glob(".stream-nmf-*")) and _fit_of(folder, fits) == expected
        # the next fit's start, instead of the loader, finishes it the same
        started = _start_and_stop(again)
        assert _fit_of(again, fits) == expected, k
        assert started == ([f"{again}: {finished[0].split(': ', 1)[1]}"] if committed else []), k
        assert bool(list(again.glob(".stream-nmf-*"))) == (not committed), k  # young: left


def _start_and_stop(folder: Path) -> list[str]:
    """The warnings of a fit's start in ``folder``, the fit stopped at once (Ctrl-C)."""
    def start() -> None:
        with pytest.raises(KeyboardInterrupt), staged_output(folder):
            raise KeyboardInterrupt
    return user_warnings(start)


def test_a_killed_stream_nmf_is_finished_by_topics_assign(fits, tmp_path) -> None:
    """`topics stream-nmf` killed at its fifth rename (the earlier fit moved out, the new one not yet
    in): `topics assign OUT/model` said "not a
    folder" (the model had been moved out); now it puts the fit in place, says so in one line,
    and places the text with the new fit."""
    old, new, corpus = fits
    out = shutil.copytree(old, tmp_path / "out")
    killer = ("import os, sys\nfrom pathlib import Path\nreal, n = os.replace, [0]\n"
              "def replace(source, target, *a, **k):\n"
              "    if Path(target).parent.name in ('out', '.earlier'):\n"
              "        n[0] += 1\n"
              "        if n[0] == 5:\n"
              "            os._exit(9)\n"
              "    return real(source, target, *a, **k)\n"
              "os.replace = replace\nfrom topics.cli import main\n"
              f"main(['-q', 'stream-nmf', {str(corpus)!r}, '-k', '4', '--chunk-size', '30', "
              f"'-o', {str(out)!r}])\n")
    done = subprocess.run([sys.executable, "-c", killer], capture_output=True, text=True,
                          timeout=300, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert done.returncode == 9, done.stderr
    text = tmp_path / "t.txt"
    text.write_text("Vietnam und Kambodscha vereinbaren Patrouillen an der Grenze.",
                    encoding="utf-8")
    assign = "import sys; from topics.cli import main; sys.exit(main(sys.argv[1:]))"
    said = subprocess.run([sys.executable, "-c", assign, "assign", str(out / "model"), str(text)],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(SRC)})
    assert said.returncode == 0, said.stderr
    (line,) = said.stderr.splitlines()
    assert line.startswith(f"topics assign: warning: {out}: the fit that an earlier topics "
                           "stream-nmf was putting in place when it stopped is now in place")
    assert json.loads(said.stdout.splitlines()[0])["file"] == str(text)
    assert _fit_of(out, fits) == {"k4"} and sorted(p.name for p in out.iterdir()) == FIT_FILES


def test_where_the_renames_cannot_be_done_the_complete_fit_is_named(fits, tmp_path,
                                                                     monkeypatch) -> None:
    """A folder the loader cannot write (read-only): nothing is deleted, and the one message
    names the folder that holds the complete fit and what to do."""
    from topics.topic_models import output_folder

    old, new, _ = fits
    folder = shutil.copytree(old, tmp_path / "out")
    assert _kill_swap(4, folder, new).returncode == 9  # the earlier fit's model moved aside
    (staging,) = folder.glob(".stream-nmf-*")
    before = {p.name: _content(p) for p in [*folder.iterdir(), *staging.iterdir()]}

    def read_only(source: Path, target: Path) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(output_folder, "_replace", read_only)
    with pytest.raises(FileAccessError) as error:
        topics.load_streaming_topics(folder / "model")
    assert str(error.value) == (
        f"{folder}: topics stream-nmf stopped while putting a fit in place, and the renames "
        "cannot be finished here (no permission to write there (read-only?); choose another "
        f"place): the complete fit is in {staging} (its model: {staging / 'model'}; what it "
        f"replaces, in {staging / '.earlier'}); run topics stream-nmf (or topics assign "
        f"{folder / 'model'} ...) again where {folder} is writable, or use the fit in {staging} "
        "as it is; delete nothing there by hand")
    assert {p.name: _content(p) for p in [*folder.iterdir(), *staging.iterdir()]} == before
    assert topics.load_streaming_topics(staging / "model").n_topics == 4  # usable as it is
    monkeypatch.undo()
    said = user_warnings(lambda: topics.load_streaming_topics(folder / "model"))
    assert len(said) == 1 and topics.load_streaming_topics(folder / "model").n_topics == 4


def test_a_live_fit_is_left_alone(fits, tmp_path) -> None:
    """A second fit's start does not take the hidden folder of a fit still running there."""
    from topics.topic_models import output_folder

    old, _, _ = fits
    folder = shutil.copytree(old, tmp_path / "out")
    with staged_output(folder) as staging:
        (staging / "topics.csv").write_text("topic,words,weights\n", encoding="utf-8")
        os.utime(staging, (0, 0))  # old, but held by this live fit
        assert output_folder.finish_interrupted(folder) == []
        assert staging.is_dir()


def test_a_load_never_moves_or_deletes_files_it_did_not_write(fits, tmp_path, capsys) -> None:
    """A hidden `.stream-nmf-*` folder with a marker beside a model of another kind and a user's
    metrics.json: `topics assign FOLDER/model` put the staged fit in place and deleted the user's
    model and metrics.json. Now the staged fit is put in place only where the model is a
    streamed NMF and every file it replaces is one `topics stream-nmf` writes; else a warning
    says why and nothing is moved or deleted."""
    old, _, _ = fits
    project = tmp_path / "proj"
    topics.fit_topic_model(list(topics.load_corpus().texts[:40]), model="nmf",
                           verbose=False).save(project / "model")
    (project / "metrics.json").write_text('{"note":"mine"}\n', encoding="utf-8")
    staging = project / ".stream-nmf-x"
    staging.mkdir()
    (staging / ".ready.json").write_text('{"files":[]}\n', encoding="utf-8")
    shutil.copytree(old / "model", staging / "model")
    (staging / "metrics.json").write_text("{}\n", encoding="utf-8")
    text = tmp_path / "in.txt"
    text.write_text("Der Verteidigungsminister empfing eine Delegation aus Laos.", encoding="utf-8")
    before = _content(project)
    (line,) = user_warnings(lambda: main(["assign", str(project / "model"), str(text)]))
    assert _content(project) == before  # the user's model and metrics.json, and the staged fit
    placed = json.loads(capsys.readouterr().out.splitlines()[0])
    ours = topics.load_topic_model(project / "model").assign([text.read_text(encoding="utf-8")])
    assert placed["name"] == ours[0]["name"]  # placed by the user's model
    assert line == (
        f"{project}: .stream-nmf-x holds a fit that a topics stream-nmf "
        f"was putting in place when it stopped; it is left there and nothing in {project} is "
        f"moved or deleted, as {project / 'model'} is not a streamed NMF's model (no "
        f"streaming_nmf.json). To finish it, move your files out of {project} and run this "
        f"again; or use {staging / 'model'} as it is")
    # a streamed model there, but the metrics.json (or a file in the model) is the user's
    shutil.rmtree(project / "model")
    shutil.copytree(old / "model", project / "model")
    for mine in (project / "metrics.json", project / "model" / "notes.txt"):
        mine.write_text('{"note":"mine"}\n', encoding="utf-8")
        before = _content(project)
        said = user_warnings(lambda: topics.load_streaming_topics(project / "model"))
        assert _content(project) == before
        assert len(said) == 1 and f"as {mine.parent if mine.name == 'notes.txt' else mine} " \
            "is not an output of topics stream-nmf" in said[0]
        (project / "metrics.json").write_text((old / "metrics.json").read_text())
    # where it holds nothing else, the staged fit is put in place
    (project / "model" / "notes.txt").unlink()
    said = user_warnings(lambda: topics.load_streaming_topics(project / "model"))
    assert len(said) == 1 and "is now in place" in said[0] and not staging.exists()

"""The error catalogue of issue 10: bad inputs and faults a new user hits, rerunnable, with totals.

Every case runs the real command line (``topics …``) or the public Python API in a subprocess,
from a fresh scratch folder, and is classified by what is observed, never by what is hoped:

=====================  ============================================================================
outcome                observed
=====================  ============================================================================
clear error            the documented exit status (2), no traceback, the message names the
                       file/field (every string of the case's ``names``) and no misleading hint
handled                a valid (if odd) input succeeds; or a warning names the record
traceback              "Traceback" on stderr, or an exit status nobody documented
silent acceptance      exit 0 where the input must be refused or warned about
data lost              a file that was there changed or vanished, a temporary file or a 0-byte or
                       partial output was left, or good results were dropped
code executed          a crafted model file or folder wrote the marker file
unclear error          refused with the right status, but the message does not name the
                       file/field, or gives a misleading hint
wrongly refused        a valid input was refused
timeout                no answer within the case's time limit
skipped                the case cannot be made here (e.g. read-only folders when running as root)
=====================  ============================================================================

Usage::

    .venv/bin/python scripts/error_catalogue.py [--quick] [--markdown FILE] [--json FILE]
                                                [--only PATTERN] [--jobs N]

The exit status is 1 if any case ends in a bad outcome (all but clear error, handled, skipped).
"""

from __future__ import annotations

import argparse
import fnmatch
import gzip
import hashlib
import json
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
TOPICS = BIN / "topics"
SHIPPED_MODEL = ROOT / "src/topics/models/article_classifier.safetensors"
SHIPPED_CARD = ROOT / "src/topics/models/article_classifier.card.json"
MARKER = "CODE_WAS_EXECUTED"

SUCCEED, REFUSE, REFUSE_OR_WARN, EITHER = "succeed", "refuse", "refuse or warn", "succeed or refuse"
GOOD_OUTCOMES = {"clear error", "handled", "skipped"}
OUTCOMES = ("clear error", "handled", "traceback", "silent acceptance", "data lost",
            "code executed", "unclear error", "wrongly refused", "timeout", "skipped")
TEMP_PATTERNS = ("*.tmp", ".*.tmp", "*.temp", "tmp*", "*~", ".~*")

Setup = Callable[[Path], "str | None"]
Check = Callable[[Path, "Observation"], "str | None"]


@dataclass(frozen=True)
class Case:
    """One bad input or fault, and what a user must see."""

    id: str
    what: str
    argv: tuple[str, ...] = ()
    python: str = ""
    expect: str = REFUSE
    names: tuple[str, ...] = ()
    forbid: tuple[str, ...] = ()
    files: Mapping[str, bytes | str] = field(default_factory=dict)
    setup: Setup | None = None
    stdin: bytes | None = None
    status: int = 2
    leaves: tuple[str, ...] = ()
    check: Check | None = None
    runner: Callable[[Case, Path], Observation] | None = None
    quick: bool = False
    timeout: float = 240.0
    pending: bool = False  # a topic-model loader case (the safe loader lands from another branch)


@dataclass
class Observation:
    """What a case did: exit status, output, and what the scratch folder looked like after."""

    status: int | None
    stdout: str
    stderr: str
    seconds: float
    skipped: str = ""


@dataclass
class Verdict:
    """One row of the table."""

    id: str
    what: str
    expected: str
    outcome: str
    message: str
    seconds: float
    pending: bool
    stderr_tail: str = ""


# ---- fixtures ----------------------------------------------------------------------------------

TEXT = ("Vietnam und Deutschland vereinbaren eine engere Zusammenarbeit in der Verteidigung. "
        "Der Verteidigungsminister besuchte Hanoi und sprach über Ausbildung und Marine.")
TEXT2 = ("Die Grenze zwischen Vietnam und Kambodscha wird neu vermessen; die Grenzkommission "
         "tagte in Phnom Penh über Grenzmarkierungen.")
TEXT3 = ("Hanoi treibt die digitale Verwaltung voran: Bürger beantragen Ausweise online, und "
         "die Behörden teilen Daten über eine nationale Plattform.")
GOOD_CSV = ("id,text,labels\n"
            f'a1,"{TEXT}",defence_cooperation\n'
            f'a2,"{TEXT2}",border_relations\n'
            f'a3,"{TEXT3}",digital_government\n')
ONE_ARTICLE_CSV = GOOD_CSV.split("a2,", 1)[0]
GOOD_JSONL = "\n".join(json.dumps({"id": f"a{i}", "text": t}, ensure_ascii=False)
                       for i, t in enumerate((TEXT, TEXT2, TEXT3))) + "\n"
TINY = {
    "name": "tiny",
    "corpus": {"limit": 24, "unit": "article"},
    "topic_models": {"nmf": {"model": "nmf", "n_components": 3}},
    "classifier": {"enabled": False},
    "outputs": {"figures": False, "save_models": False, "report": False},
}


def config(**changes: object) -> str:
    """The tiny config with top-level sections replaced, as YAML text."""
    import yaml

    return yaml.safe_dump({**TINY, **changes}, allow_unicode=True)


def payload() -> str:
    """Python source that writes the marker file into the working directory."""
    return f"open({MARKER!r}, 'w').write('pwned')"


class Pwn:
    """A pickle that writes the marker file when unpickled."""

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (exec, (payload(),))


def pickled() -> bytes:
    """The crafted pickle bytes."""
    return pickle.dumps(Pwn(), protocol=4)


def joblibbed(path: Path) -> None:
    """The crafted pickle written with joblib (its own container format)."""
    import joblib

    joblib.dump(Pwn(), path)


def fake_card(model: Path, **changes: object) -> None:
    """A card beside ``model`` that matches its bytes (so the check reaches the model itself)."""
    card = json.loads(SHIPPED_CARD.read_text(encoding="utf-8"))
    card.update(model_file=model.name, sha256=hashlib.sha256(model.read_bytes()).hexdigest())
    card.update(changes)
    stem = model.name[: -len(".safetensors")] if model.name.endswith(".safetensors") else model.stem
    (model.parent / f"{stem}.card.json").write_text(json.dumps(card), encoding="utf-8")


def copy_shipped(scratch: Path, name: str = "m.safetensors") -> Path:
    """The shipped model and its card, copied into the scratch folder."""
    target = scratch / name
    shutil.copyfile(SHIPPED_MODEL, target)
    fake_card(target)
    return target


def result_json(model_name: str = "nmf", **changes: object) -> dict[str, object]:
    """A minimal ``result.json`` of a saved topic model."""
    data: dict[str, object] = {
        "format": "topics.topic_model", "format_version": 1, "model_name": model_name,
        "unit": "article", "seed": 0, "settings": {}, "corpus_name": "x",
        "corpus_fingerprint": "", "metrics": {}, "topics": {"0": [["vietnam", 1.0]]},
        "assignments": [0], "documents": [{"id": "a", "article_id": "a", "text": TEXT,
                                           "labels": [], "index": 0}],
    }
    data.update(changes)
    return data


def topic_folder(scratch: Path, data: Mapping[str, object], files: Mapping[str, bytes] = {}) -> Path:
    """A topic-model folder ``tm`` with ``result.json`` and further files."""
    folder = scratch / "tm"
    folder.mkdir(exist_ok=True)
    (folder / "result.json").write_text(json.dumps(data), encoding="utf-8")
    for name, content in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


def read_only(folder: Path) -> str | None:
    """Make ``folder`` read-only; the skip reason when this user writes there anyway (root)."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o500)
    if os.access(folder, os.W_OK):
        folder.chmod(0o700)
        return "running as root: read-only folders are writable"
    return None


# ---- running -----------------------------------------------------------------------------------

API_TEMPLATE = """\
import sys
import topics

def case():
{body}

try:
    case()
except topics.TopicsError as exc:
    print(f"{{type(exc).__name__}}: {{exc}}", file=sys.stderr)
    sys.exit(2)
"""

FULL_DISK = """\
import builtins, errno, io, os, sys
LIMIT = {limit}
HERE = os.getcwd()
real_open, real_fdopen = io.open, os.fdopen

class Full:
    def __init__(self, file): self.file, self.written = file, 0
    def write(self, data):
        self.written += len(data)
        if self.written > LIMIT:
            raise OSError(errno.ENOSPC, "No space left on device")
        return self.file.write(data)
    def __getattr__(self, name): return getattr(self.file, name)
    def __enter__(self): return self
    def __exit__(self, *exc): self.file.close()
    def __iter__(self): return iter(self.file)

def writing(mode): return any(c in str(mode) for c in "wax+")

def full_open(file, mode="r", *args, **kwargs):
    handle = real_open(file, mode, *args, **kwargs)
    inside = isinstance(file, (str, os.PathLike)) and os.path.abspath(file).startswith(HERE)
    return Full(handle) if writing(mode) and inside else handle

def full_fdopen(fd, mode="r", *args, **kwargs):
    handle = real_fdopen(fd, mode, *args, **kwargs)
    return Full(handle) if writing(mode) else handle

builtins.open = io.open = full_open
os.fdopen = full_fdopen
from topics.cli import main
sys.exit(main({argv!r}))
"""


def environment() -> dict[str, str]:
    """The environment of every case: no progress bars, a C.UTF-8 locale, no user site."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TOPICS_", "PYTHON"))}
    env.update(TOPICS_PROGRESS="0", LC_ALL="C.UTF-8", PYTHONNOUSERSITE="1",
               MPLBACKEND="Agg", PYTHONDONTWRITEBYTECODE="1")
    return env


def command(case: Case) -> list[str]:
    """The subprocess command of a case."""
    if case.python:
        body = textwrap.indent(textwrap.dedent(case.python).strip(), "    ")
        return [sys.executable, "-c", API_TEMPLATE.format(body=body)]
    return [str(TOPICS), *case.argv]


def execute(case: Case, scratch: Path) -> Observation:
    """Run the case's command in ``scratch``."""
    return run_command(command(case), case, scratch)


def run_command(argv: list[str], case: Case, scratch: Path) -> Observation:
    """Run ``argv`` in ``scratch`` with the case's stdin and time limit; a timeout is observed."""
    start = time.monotonic()
    try:
        done = subprocess.run(argv, cwd=scratch, env=environment(), input=case.stdin or b"",
                              capture_output=True, timeout=case.timeout)
    except subprocess.TimeoutExpired as exc:
        return Observation(None, decode(exc.stdout), decode(exc.stderr), time.monotonic() - start)
    return Observation(done.returncode, decode(done.stdout), decode(done.stderr),
                       time.monotonic() - start)


def decode(data: bytes | str | None) -> str:
    """Subprocess output as text, whatever it holds."""
    if data is None:
        return ""
    return data if isinstance(data, str) else data.decode("utf-8", "replace")


def full_disk_runner(limit: int) -> Callable[[Case, Path], Observation]:
    """Run the case's CLI arguments with every file write failing (ENOSPC) beyond ``limit`` bytes."""

    def run(case: Case, scratch: Path) -> Observation:
        code = FULL_DISK.format(limit=limit, argv=list(case.argv))
        return run_command([sys.executable, "-c", code], case, scratch)

    return run


def sigterm_runner(case: Case, scratch: Path) -> Observation:
    """Start the run, wait until its ``.partial`` folder logs, then send SIGTERM."""
    start = time.monotonic()
    process = subprocess.Popen(command(case), cwd=scratch, env=environment(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = start + case.timeout
    while time.monotonic() < deadline and not list(scratch.glob("runs/*.partial/run.log")):
        if process.poll() is not None:
            break
        time.sleep(0.3)
    time.sleep(1.5)
    process.send_signal(signal.SIGTERM)
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        return Observation(None, decode(out), decode(err), time.monotonic() - start)
    return Observation(process.returncode, decode(out), decode(err), time.monotonic() - start)


# ---- the scratch folder before and after ------------------------------------------------------

def snapshot(scratch: Path) -> dict[str, str]:
    """Relative path -> SHA-256 (or a kind) of everything in the scratch folder, links not followed."""
    seen: dict[str, str] = {}
    for folder, dirs, files in os.walk(scratch, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            key = str(path.relative_to(scratch))
            if path.is_symlink():
                seen[key] = "link:" + os.readlink(path)
            elif path.is_dir():
                seen[key] = "dir"
            else:
                seen[key] = _digest(path)
    return seen


def _digest(path: Path) -> str:
    """SHA-256 of a file's bytes, or why it cannot be read."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as exc:
        return f"unreadable:{exc.errno}"


def losses(case: Case, before: Mapping[str, str], after: Mapping[str, str], scratch: Path,
           failed: bool) -> str | None:
    """What the run lost or left half-made, in words; None when nothing."""
    for key, digest in before.items():
        if key not in after:
            return f"{key} was removed"
        if after[key] != digest:
            return f"{key} was changed"
    new = [k for k in after if k not in before and k != MARKER]
    temps = [k for k in new if any(fnmatch.fnmatch(Path(k).name, p) for p in TEMP_PATTERNS)]
    if temps:
        return f"temporary file left: {temps[0]}"
    empty = [k for k in new if after[k] == hashlib.sha256(b"").hexdigest()]
    if empty:
        return f"0-byte file left: {empty[0]}"
    if failed:
        left = [k for k in new if after[k] != "dir" and not allowed(k, case.leaves)]
        if left:
            return f"left {left[0]} although it failed"
    return None


def allowed(key: str, patterns: Iterable[str]) -> bool:
    """Whether a new file matches one of the patterns the case allows."""
    return any(fnmatch.fnmatch(key, p) for p in patterns)


# ---- judging -----------------------------------------------------------------------------------

def first_line(observation: Observation) -> str:
    """The first line of the message: an error or warning line, else the first line of output."""
    lines = [line.strip() for line in observation.stderr.splitlines() if line.strip()]
    for line in lines:
        if any(word in line.lower() for word in ("error", "warning", "terminated", "traceback")):
            return line[:160]
    if lines:
        return lines[0][:160]
    out = [line for line in observation.stdout.splitlines() if line.strip()]
    return out[0][:160] if out else ""


def judge(case: Case, seen: Observation, lost: str | None, scratch: Path) -> str:
    """The outcome of a case from what was observed."""
    if seen.skipped:
        return "skipped"
    if (scratch / MARKER).exists():
        return "code executed"
    if "Traceback" in seen.stderr:
        return "traceback"
    if seen.status is None:
        return "timeout"
    if lost:
        return "data lost"
    if seen.status not in (0, case.status):
        return "traceback"  # an exit status nobody documented
    if case.expect == SUCCEED:
        return "handled" if seen.status == 0 else "wrongly refused"
    if seen.status == 0:
        return _accepted(case, seen)
    return "clear error" if _clear(case, seen.stderr) else "unclear error"


def _accepted(case: Case, seen: Observation) -> str:
    """The outcome of exit 0 for a case that expects a refusal (or a warning)."""
    if case.expect == EITHER:
        return "handled"
    if case.expect == REFUSE_OR_WARN and _clear(case, seen.stderr):
        return "handled"
    return "silent acceptance"


def _clear(case: Case, message: str) -> bool:
    """Whether ``message`` names everything the case asks for and gives no misleading hint."""
    return all(n in message for n in case.names) and not any(f in message for f in case.forbid)


def run_case(case: Case, root: Path) -> Verdict:
    """Make the scratch folder, run the case, judge it, clean up."""
    scratch = Path(tempfile.mkdtemp(prefix=f"{case.id}-", dir=root))
    try:
        seen, lost = _observe(case, scratch)
        outcome = judge(case, seen, lost, scratch)
        message = seen.skipped or (lost if outcome == "data lost" else first_line(seen))
        if outcome in ("code executed",):
            message = f"{MARKER} written; {first_line(seen)}"
        tail = "\n".join(seen.stderr.strip().splitlines()[-12:])
        return Verdict(case.id, case.what, case.expect, outcome, message, seen.seconds,
                       case.pending, tail)
    finally:
        _remove(scratch)


def _observe(case: Case, scratch: Path) -> tuple[Observation, str | None]:
    """Set the scratch folder up, run the case, and compare the folder before and after."""
    for name, content in case.files.items():
        path = scratch / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    skip = case.setup(scratch) if case.setup else None
    if skip:
        return Observation(None, "", "", 0.0, skipped=skip), None
    before = snapshot(scratch)
    seen = (case.runner or execute)(case, scratch)
    _writable(scratch)
    after = snapshot(scratch)
    lost = losses(case, before, after, scratch, failed=seen.status != 0)
    if lost is None and case.check is not None:
        lost = case.check(scratch, seen)
    return seen, lost


def _writable(scratch: Path) -> None:
    """Give every folder back its write permission (read-only cases), links left alone."""
    for folder, dirs, _ in os.walk(scratch, followlinks=False):
        for name in dirs:
            path = Path(folder) / name
            if not path.is_symlink():
                path.chmod(0o700)


def _remove(scratch: Path) -> None:
    """Remove a scratch folder, read-only parts included."""
    _writable(scratch)
    shutil.rmtree(scratch, ignore_errors=True)


# ---- reporting ---------------------------------------------------------------------------------

def totals(verdicts: Sequence[Verdict]) -> dict[str, int]:
    """Counts per outcome, with the number of cases first."""
    counts = Counter(v.outcome for v in verdicts)
    return {"cases": len(verdicts), **{o: counts.get(o, 0) for o in OUTCOMES}}


def table(verdicts: Sequence[Verdict]) -> str:
    """A plain-text table for the terminal."""
    rows = [f"{'id':<32} {'expected':<18} {'outcome':<18} message"]
    for v in verdicts:
        mark = " (pending loader)" if v.pending and v.outcome not in GOOD_OUTCOMES else ""
        rows.append(f"{v.id:<32} {v.expected:<18} {v.outcome + mark:<18} {v.message[:110]}")
    return "\n".join(rows)


def markdown(verdicts: Sequence[Verdict]) -> str:
    """The table and the totals as Markdown."""
    def cell(text: str) -> str:
        """Text safe inside a Markdown table cell."""
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| id | what | expected | outcome | message |", "|---|---|---|---|---|"]
    lines += [f"| {v.id} | {cell(v.what)} | {v.expected} | {v.outcome} | {cell(v.message)} |"
              for v in verdicts]
    lines += ["", "| total | count |", "|---|---|"]
    lines += [f"| {k} | {n} |" for k, n in totals(verdicts).items()]
    return "\n".join(lines) + "\n"


def failures(verdicts: Iterable[Verdict]) -> list[Verdict]:
    """The cases with a bad outcome."""
    return [v for v in verdicts if v.outcome not in GOOD_OUTCOMES]


# ---- the cases ---------------------------------------------------------------------------------

def cli(id: str, what: str, *argv: str, **options: object) -> Case:
    """A command-line case."""
    return Case(id, what, argv=tuple(argv), **options)  # type: ignore[arg-type]


def api(id: str, what: str, body: str, **options: object) -> Case:
    """A public-API case: ``body`` runs inside a function; a TopicsError exits 2 with its message."""
    return Case(id, what, python=body, **options)  # type: ignore[arg-type]


def _damaged_gzip() -> bytes:
    """A gzip of the good corpus with a byte of its compressed data flipped (CRC or data error)."""
    data = bytearray(gzip.compress(GOOD_JSONL.encode()))
    data[len(data) // 2] ^= 0xFF
    return bytes(data)


def corpus_cases() -> list[Case]:
    """Corpus files a user may point at: empty, broken, odd but valid."""
    return [
        cli("jsonl-empty", "a 0-byte JSONL corpus", "summary", "c.jsonl",
            files={"c.jsonl": b""}, names=("c.jsonl",), quick=True),
        cli("jsonl-blank-lines", "a JSONL corpus of blank lines only", "summary", "c.jsonl",
            files={"c.jsonl": "\n\n  \n"}, names=("c.jsonl",)),
        cli("jsonl-bad-json", "a JSONL record that is not JSON (line 2)", "summary", "c.jsonl",
            files={"c.jsonl": GOOD_JSONL.splitlines()[0] + "\n{not json\n"},
            names=("c.jsonl", "2"), quick=True),
        cli("jsonl-record-is-list", "a JSONL record that is a list", "summary", "c.jsonl",
            files={"c.jsonl": '["a", "b"]\n'}, names=("c.jsonl",)),
        cli("jsonl-no-text", "a JSONL record without a text field", "summary", "c.jsonl",
            files={"c.jsonl": '{"id": "a"}\n'}, names=("c.jsonl", "text")),
        cli("jsonl-text-number", "a JSONL record whose text is a number", "summary", "c.jsonl",
            files={"c.jsonl": '{"id": "a", "text": 42}\n'}, names=("c.jsonl", "text")),
        cli("jsonl-u2028", "a valid JSONL record with U+2028 and U+0085 in its text", "summary",
            "c.jsonl", expect=SUCCEED,
            files={"c.jsonl": json.dumps({"id": "a", "text": f"{TEXT}\u2028{TEXT2}\x85{TEXT3}"},
                                         ensure_ascii=False) + "\n"}),
        cli("jsonl-duplicate-ids", "a JSONL corpus with two records of one id", "summary",
            "c.jsonl", expect=REFUSE_OR_WARN, names=("a1",),
            files={"c.jsonl": json.dumps({"id": "a1", "text": TEXT}) + "\n"
                   + json.dumps({"id": "a1", "text": TEXT2}) + "\n"}),
        cli("jsonl-boilerplate-only", "an article that is only boilerplate", "summary", "c.jsonl",
            expect=REFUSE_OR_WARN, names=("b",),
            files={"c.jsonl": GOOD_JSONL + json.dumps(
                {"id": "b", "text": "![](bild.jpg) |\nKommentar (0)\nMehr zum Thema\n"}) + "\n"}),
        cli("jsonl-english-page", "a crawl's English page among German articles", "summary",
            "c.jsonl", expect=REFUSE_OR_WARN, names=("en", "does not look German"),
            files={"c.jsonl": GOOD_JSONL + json.dumps({"id": "en", "text": (
                "Vietnam and Laos opened a new international border gate on Monday. The two "
                "sides agreed to maintain the border markers together and to facilitate trade in "
                "goods. It is the third gate this year, and more are planned as trade grows.")})
                + "\n"}),
        cli("jsonl-long-line", "a 3 MB JSONL line (one article, no spaces at all)", "summary",
            "c.jsonl", expect=EITHER, timeout=120,
            files={"c.jsonl": json.dumps({"id": "a", "text": "x" * 3_000_000}) + "\n"}),
        cli("jsonl-bom-crlf", "a JSONL corpus with a BOM, CRLF line ends, no final newline",
            "summary", "c.jsonl", expect=SUCCEED,
            files={"c.jsonl": "\ufeff" + GOOD_JSONL.strip().replace("\n", "\r\n")}),
        cli("jsonl-gzip", "a gzip-compressed corpus named .jsonl.gz", "summary", "c.jsonl.gz",
            expect=SUCCEED, files={"c.jsonl.gz": gzip.compress(GOOD_JSONL.encode())}),
        cli("jsonl-gzip-cut-short", "a .jsonl.gz corpus cut short (a download stopped)",
            "summary", "c.jsonl.gz", names=("c.jsonl.gz", "damaged"),
            files={"c.jsonl.gz": gzip.compress(GOOD_JSONL.encode())[:-12]}),
        cli("jsonl-gzip-not-gzip", "a plain JSONL corpus named .jsonl.gz", "summary",
            "c.jsonl.gz", names=("c.jsonl.gz", "not gzip"), files={"c.jsonl.gz": GOOD_JSONL}),
        cli("classify-gzip-damaged", "classify a .jsonl.gz whose data is damaged", "classify",
            "c.jsonl.gz", names=("c.jsonl.gz", "damaged"), files={"c.jsonl.gz": _damaged_gzip()}),
        cli("csv-huge-field", "a CSV text field of 300 000 characters", "summary", "c.csv",
            expect=SUCCEED, files={"c.csv": f'id,text,labels\n1,"{TEXT * 2000}",\n'}),
        cli("csv-nul-bytes", "a CSV with NUL bytes in a text", "summary", "c.csv", expect=EITHER,
            files={"c.csv": f'id,text,labels\n1,"{TEXT}\x00{TEXT2}",\n'}, names=("c.csv",)),
        cli("folder-latin1-txt", "a folder corpus with a latin-1 .txt", "summary", "d",
            files={"d/a.txt": TEXT, "d/b.txt": TEXT3.encode("latin-1")}, names=("b.txt",)),
        cli("folder-labels-json-broken", "a folder whose labels.json is not JSON", "summary", "d",
            files={"d/a.txt": TEXT, "d/labels.json": "{a: 1"}, names=("labels.json",)),
        cli("folder-labels-json-list", "a folder whose labels.json is a list", "summary", "d",
            files={"d/a.txt": TEXT, "d/labels.json": "[1, 2]"}, names=("labels.json",)),
        cli("parquet-garbage", "a .parquet file that is not Parquet", "summary", "c.parquet",
            files={"c.parquet": b"PAR1 not really"}, names=("c.parquet",)),
        cli("parquet-damaged-page", "a Parquet file with a page that does not decode",
            "summary", "c.parquet", setup=damaged_parquet("c.parquet"),
            names=("c.parquet", "not readable as Parquet")),
        cli("classify-parquet-damaged-page-dask", "classify a Parquet file with a damaged page "
            "on Dask (the client decodes, the workers check the rows)", "classify", "c.parquet",
            "--output", "o.jsonl", "--scheduler", "local", "--n-workers", "1", timeout=120,
            setup=damaged_parquet("c.parquet"), names=("c.parquet", "not readable as Parquet")),
        cli("csv-empty", "a 0-byte CSV corpus", "summary", "c.csv", files={"c.csv": b""},
            names=("c.csv",), forbid=("header=True",), quick=True),
        cli("csv-header-only", "a CSV with a header and no rows", "summary", "c.csv",
            files={"c.csv": "id,text,labels\n"}, names=("c.csv",)),
        cli("csv-missing-column", "a CSV without the text column", "summary", "c.csv",
            files={"c.csv": "id,body\n1,Hallo Welt\n"}, names=("c.csv", "text")),
        cli("csv-text-column-negative", "--text-column -1 (the label column)", "summary", "c.csv",
            "--text-column", "-1", files={"c.csv": GOOD_CSV}, names=("-1",)),
        cli("csv-text-column-out-of-range", "--text-column 9 in a 3-column CSV", "summary",
            "c.csv", "--text-column", "9", files={"c.csv": GOOD_CSV}, names=("9",)),
        cli("csv-delimiter-empty", "--delimiter ''", "summary", "c.csv", "--delimiter", "",
            files={"c.csv": GOOD_CSV}, names=("delimiter",)),
        cli("csv-delimiter-two-chars", "--delimiter ';;'", "summary", "c.csv", "--delimiter", ";;",
            files={"c.csv": GOOD_CSV}, names=("delimiter",)),
        cli("csv-quotechar-empty", "--quotechar ''", "summary", "c.csv", "--quotechar", "",
            files={"c.csv": GOOD_CSV}, names=("quotechar",)),
        cli("csv-unquoted-delimiter", "a row with one field too many (unquoted ;)", "summary",
            "c.csv", "--delimiter", ";", expect=REFUSE_OR_WARN, names=("c.csv", "3"),
            files={"c.csv": "id;text;labels\na1;Ein Text;border_relations\n"
                   "a2;Ein Text; mit Semikolon;border_relations\n"}),
        cli("csv-numbers-as-text", "a text column full of numbers", "summary", "c.csv",
            expect=REFUSE_OR_WARN, names=("c.csv",),
            files={"c.csv": "id,text,labels\n1,12345,\n2,67890,\n3,3.14,\n"}),
        cli("csv-latin1", "a latin-1 CSV read as UTF-8", "summary", "c.csv",
            files={"c.csv": GOOD_CSV.encode("latin-1")}, names=("c.csv", "encoding")),
        cli("csv-bom", "a UTF-8 CSV with a byte-order mark", "summary", "c.csv", expect=SUCCEED,
            files={"c.csv": "\ufeff" + GOOD_CSV}),
        cli("csv-nel-in-quotes", "a quoted CSV field holding U+0085", "summary", "c.csv",
            expect=SUCCEED, files={"c.csv": f'id,text,labels\n1,"{TEXT}\x85{TEXT2}",\n'}),
        api("csv-duplicate-ids", "load_corpus(csv, id_column='id') with an id twice",
            "topics.load_corpus('c.csv', id_column='id')", expect=REFUSE_OR_WARN, names=("a1",),
            files={"c.csv": f'id,text,labels\na1,"{TEXT}",\na1,"{TEXT2}",\n'}),
        cli("csv-binary", "a PNG file named .csv", "summary", "c.csv",
            files={"c.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))},
            names=("c.csv",)),
        cli("folder-empty", "an empty folder as corpus", "summary", "d", setup=mkdirs("d"),
            names=("d",)),
        cli("folder-no-txt", "a folder with no .txt files", "summary", "d",
            files={"d/readme.md": "# hello"}, names=("d",)),
        cli("folder-named-jsonl", "a folder named c.jsonl", "summary", "c.jsonl",
            setup=mkdirs("c.jsonl"), names=("c.jsonl",)),
        cli("corpus-missing", "a corpus path that does not exist", "summary", "nope.jsonl",
            names=("nope.jsonl",), quick=True),
        cli("corpus-unknown-suffix", "a corpus file with an unknown suffix", "summary", "c.xlsx",
            files={"c.xlsx": b"PK\x03\x04"}, names=("c.xlsx",)),
        cli("corpus-symlink-loop", "a corpus path that is a symlink loop", "summary", "c.jsonl",
            setup=symlink("c.jsonl", "c.jsonl"), names=("c.jsonl",)),
        cli("folder-symlink-loop", "a folder corpus containing a link to itself", "summary", "d",
            files={"d/a.txt": TEXT, "d/b.txt": TEXT2}, setup=symlink("d/self", "."),
            expect=EITHER, names=("d",), timeout=60),
        cli("unicode-path", "a valid corpus under a path with umlauts and spaces", "summary",
            "Ärger ü/ñ corpus.jsonl", expect=SUCCEED, files={"Ärger ü/ñ corpus.jsonl": GOOD_JSONL}),
        api("api-quotechar-empty", "load_corpus(..., quotechar='')",
            "topics.load_corpus('c.csv', quotechar='')", files={"c.csv": GOOD_CSV},
            names=("quotechar",)),
        api("api-text-column-negative", "load_corpus(..., text_column=-1)",
            "topics.load_corpus('c.csv', text_column=-1)", files={"c.csv": GOOD_CSV},
            names=("-1",)),
        api("api-corpus-path-int", "load_corpus(42)", "topics.load_corpus(42)", names=("42",)),
    ]


def mkdirs(*names: str) -> Setup:
    """A setup that makes empty folders."""
    def setup(scratch: Path) -> None:
        for name in names:
            (scratch / name).mkdir(parents=True, exist_ok=True)
    return setup


def damaged_parquet(name: str) -> Setup:
    """A setup that writes a Parquet file of 40 articles whose second row group's text page is
    overwritten (its page header no longer decodes)."""
    def setup(scratch: Path) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = scratch / name
        records = [{"id": f"a{i}", "text": f"{TEXT} ({i})"} for i in range(40)]
        pq.write_table(pa.Table.from_pylist(records), path, row_group_size=20,
                       use_dictionary=False)
        page = pq.ParquetFile(path).metadata.row_group(1).column(1)
        data = bytearray(path.read_bytes())
        start = page.data_page_offset
        data[start:start + page.total_compressed_size] = b"\xab" * page.total_compressed_size
        path.write_bytes(bytes(data))
    return setup


def symlink(name: str, target: str) -> Setup:
    """A setup that makes a symbolic link ``name`` -> ``target``."""
    def setup(scratch: Path) -> None:
        (scratch / name).parent.mkdir(parents=True, exist_ok=True)
        (scratch / name).symlink_to(target)
    return setup


def classify_cases() -> list[Case]:
    """``topics classify``: inputs, stdin, limits, thresholds, outputs."""
    return [
        cli("classify-ok", "classify one plain text file", "classify", "a.txt", expect=SUCCEED,
            files={"a.txt": TEXT}),
        cli("classify-empty-file", "an empty file among good ones: report it, classify the rest",
            "classify", "a.txt", "empty.txt", "b.txt", files={"a.txt": TEXT, "empty.txt": "",
                                                              "b.txt": TEXT2},
            status=1, names=("empty.txt",), check=stdout_has('"a.txt"', '"b.txt"'), quick=True),
        cli("classify-binary-file", "a binary file", "classify", "x.txt",
            files={"x.txt": bytes(range(256)) * 8}, names=("x.txt",)),
        cli("classify-html", "an HTML page", "classify", "page.txt", expect=REFUSE_OR_WARN,
            files={"page.txt": "<!DOCTYPE html><html><head><title>Vietnam</title></head><body>"
                   f"<div class='nav'><a href='/'>Start</a></div><p>{TEXT}</p></body></html>"},
            names=("page.txt",)),
        cli("classify-utf16-file", "a UTF-16 file (with BOM)", "classify", "u.txt",
            expect=EITHER, files={"u.txt": TEXT.encode("utf-16")}, names=("u.txt",)),
        cli("classify-latin1-file", "a latin-1 file", "classify", "l.txt",
            files={"l.txt": TEXT.encode("latin-1")}, names=("l.txt",)),
        cli("classify-missing-file", "a file that does not exist", "classify", "nope.txt",
            names=("nope.txt",)),
        cli("classify-folder-empty", "an empty folder", "classify", "d", setup=mkdirs("d"),
            names=("d",)),
        cli("classify-symlink-loop", "a symlink loop", "classify", "x.txt",
            setup=symlink("x.txt", "x.txt"), names=("x.txt",)),
        cli("classify-6mb", "a 6 MB text with the default --max-size", "classify", "big.txt",
            files={"big.txt": (TEXT + "\n") * (6_000_000 // len(TEXT))},
            names=("big.txt", "--max-size"), quick=True),
        cli("classify-long-word", "a 1 MB word without spaces", "classify", "w.txt",
            expect=EITHER, files={"w.txt": "a" * 1_000_000}, names=("w.txt",), timeout=120),
        cli("classify-max-size-zero", "--max-size 0", "classify", "a.txt", "--max-size", "0",
            files={"a.txt": TEXT}, names=("--max-size",)),
        cli("classify-max-size-bad", "--max-size 5lightyears", "classify", "a.txt", "--max-size",
            "5lightyears", files={"a.txt": TEXT}, names=("--max-size",)),
        cli("stdin-latin1", "latin-1 on stdin", "classify", "-",
            stdin=TEXT.encode("latin-1"), names=("standard input",), quick=True),
        cli("stdin-utf16", "UTF-16 on stdin", "classify", "-", stdin=TEXT.encode("utf-16-le"),
            names=("standard input",)),
        cli("stdin-binary", "binary bytes on stdin", "classify", "-",
            stdin=bytes(range(256)) * 16, names=("standard input",)),
        cli("stdin-empty", "nothing on stdin", "classify", "-", stdin=b"", names=("standard input",)),
        cli("stdin-gzip-cut", "a gzip stream cut short on stdin", "classify", "-",
            stdin=gzip.compress(TEXT.encode())[:-12], names=("standard input", "gzip")),
        cli("stdin-gzip-bad-record", "gzip JSON Lines on stdin, a record without text",
            "classify", "-", stdin=gzip.compress((GOOD_JSONL + '{"id": "x"}\n').encode()),
            expect=EITHER, status=1, names=("standard input", "text")),
        cli("threshold-above-one", "--threshold border_relations=1.5", "classify", "a.txt",
            "--threshold", "border_relations=1.5", files={"a.txt": TEXT},
            names=("border_relations",)),
        cli("threshold-negative", "--threshold border_relations=-0.1", "classify", "a.txt",
            "--threshold=border_relations=-0.1", files={"a.txt": TEXT}, names=("border_relations",)),
        cli("threshold-nan", "--threshold border_relations=nan", "classify", "a.txt",
            "--threshold", "border_relations=nan", files={"a.txt": TEXT}, names=("border_relations",)),
        cli("threshold-unknown-label", "--threshold for a label the model lacks", "classify",
            "a.txt", "--threshold", "sports=0.5", files={"a.txt": TEXT}, names=("sports",)),
        cli("threshold-no-equals", "--threshold 0.5", "classify", "a.txt", "--threshold", "0.5",
            files={"a.txt": TEXT}, names=("0.5",)),
        cli("output-unknown-suffix", "--output x.xlsx", "classify", "a.txt", "--output", "x.xlsx",
            files={"a.txt": TEXT}, names=("x.xlsx",)),
        cli("output-under-a-file", "--output under a path that is a file", "classify", "a.txt",
            "--output", "a.txt/out.jsonl", files={"a.txt": TEXT}, names=("a.txt",)),
        cli("output-is-folder", "--output names an existing folder", "classify", "a.txt",
            "--output", "d", files={"a.txt": TEXT}, setup=mkdirs("d"), names=("d",)),
        cli("output-read-only", "--output into a read-only folder", "classify", "a.txt",
            "--output", "ro/out.jsonl", files={"a.txt": TEXT}, setup=lambda s: read_only(s / "ro"),
            names=("ro",)),
        cli("output-disk-full", "classify --output on a full disk", "classify", "a.txt", "b.txt",
            "--output", "out.jsonl", files={"a.txt": TEXT, "b.txt": TEXT2},
            runner=full_disk_runner(100), names=("disk is full",)),
        cli("classify-output-is-input", "classify c.jsonl --output c.jsonl (the input itself)",
            "classify", "c.jsonl", "--output", "c.jsonl", files={"c.jsonl": GOOD_JSONL},
            names=("c.jsonl",)),
        cli("suggest-output-is-input", "suggest-labels c.csv --output c.csv (the input itself)",
            "suggest-labels", "c.csv", "--output", "c.csv", files={"c.csv": GOOD_CSV},
            names=("c.csv",)),
        cli("classify-encoding-unknown", "classify --encoding utf-99", "classify", "a.txt",
            "--encoding", "utf-99", files={"a.txt": TEXT}, names=("utf-99",)),
        cli("classify-stdin-twice", "classify - - (stdin twice)", "classify", "-", "-",
            stdin=TEXT.encode(), expect=EITHER, status=1, names=("standard input",)),
        cli("classify-no-input", "classify with no input at all", "classify", names=("INPUT",)),
        cli("suggest-n-zero", "suggest-labels -n 0", "suggest-labels", "a.txt", "-n", "0",
            "--output", "s.csv", files={"a.txt": TEXT}, names=("-n",)),
        cli("classify-workers-zero", "classify --n-workers 0", "classify", "a.txt",
            "--scheduler", "local", "--n-workers", "0", files={"a.txt": TEXT},
            names=("--n-workers",)),
        cli("classify-bad-scheduler", "classify --scheduler ftp://x", "classify", "a.txt",
            "--scheduler", "ftp://x", files={"a.txt": TEXT}, names=("ftp://x",)),
        cli("suggest-bad-scheduler", "suggest-labels --scheduler ftp://x", "suggest-labels",
            "c.jsonl", "--output", "s.csv", "--scheduler", "ftp://x",
            files={"c.jsonl": GOOD_JSONL}, names=("ftp://x",)),
        cli("suggest-unreachable-scheduler", "suggest-labels --scheduler at an address where no "
            "scheduler runs", "suggest-labels", "c.jsonl", "--output", "s.csv", "--scheduler",
            "tcp://127.0.0.1:9", timeout=120, files={"c.jsonl": GOOD_JSONL},
            names=("tcp://127.0.0.1:9", "cannot connect")),
    ]


def stdout_has(*needles: str) -> Check:
    """A check that the good results were still written (else they were lost)."""
    def check(scratch: Path, seen: Observation) -> str | None:
        missing = [n for n in needles if n not in seen.stdout]
        return f"results of {missing[0]} were not written" if missing else None
    return check


def model_cases() -> list[Case]:
    """Classifier model files: crafted, damaged, or not model files at all."""
    return [
        cli("model-zero-bytes", "--model a 0-byte file", "classify", "a.txt", "--model",
            "m.safetensors", files={"a.txt": TEXT, "m.safetensors": b""},
            names=("m.safetensors",)),
        cli("model-missing", "--model a file that does not exist", "classify", "a.txt",
            "--model", "m.safetensors", files={"a.txt": TEXT}, names=("m.safetensors",)),
        cli("model-is-card", "--model the .card.json", "classify", "a.txt", "--model",
            "m.card.json", files={"a.txt": TEXT}, setup=lambda s: no_skip(copy_shipped(s)),
            names=("model card",), forbid=("tampered",)),
        cli("model-is-folder", "--model a folder", "classify", "a.txt", "--model", "d",
            files={"a.txt": TEXT}, setup=mkdirs("d"), names=("d",)),
        cli("model-pickle-named-safetensors", "a pickle named .safetensors, with a matching card",
            "classify", "a.txt", "--model", "m.safetensors", files={"a.txt": TEXT},
            setup=lambda s: crafted_model(s, pickled()), names=("m.safetensors",), quick=True),
        cli("model-pickle-pkl", "--model evil.pkl (a pickle)", "classify", "a.txt", "--model",
            "evil.pkl", files={"a.txt": TEXT, "evil.pkl": pickled()}, names=("evil.pkl",)),
        cli("model-joblib", "--model evil.joblib", "classify", "a.txt", "--model", "evil.joblib",
            files={"a.txt": TEXT}, setup=lambda s: joblibbed(s / "evil.joblib"),
            names=("evil.joblib",)),
        cli("model-skops-zip", "a skops-like zip with a pickle inside, matching card", "classify",
            "a.txt", "--model", "m.safetensors", files={"a.txt": TEXT},
            setup=lambda s: crafted_model(s, skops_zip()), names=("m.safetensors",)),
        cli("model-safetensors-metadata-pickle", "safetensors whose metadata smuggles a pickle",
            "classify", "a.txt", "--model", "m.safetensors", files={"a.txt": TEXT},
            setup=lambda s: crafted_model(s, smuggling_safetensors()), names=("m.safetensors",)),
        cli("model-truncated", "the shipped model cut in half (card unchanged)", "classify",
            "a.txt", "--model", "m.safetensors", files={"a.txt": TEXT}, setup=damaged("truncate"),
            names=("m.safetensors",)),
        cli("model-flipped-byte", "one byte of the shipped model flipped", "classify", "a.txt",
            "--model", "m.safetensors", files={"a.txt": TEXT}, setup=damaged("flip"),
            names=("m.safetensors", "SHA-256")),
        cli("model-truncated-resigned", "a truncated model whose card matches it", "classify",
            "a.txt", "--model", "m.safetensors", files={"a.txt": TEXT},
            setup=damaged("truncate", resign=True), names=("m.safetensors",)),
        cli("model-card-missing", "a model without its card", "classify", "a.txt", "--model",
            "m.safetensors", files={"a.txt": TEXT}, setup=no_card, names=("m.card.json",)),
        cli("model-card-not-json", "a card that is not JSON", "classify", "a.txt", "--model",
            "m.safetensors", files={"a.txt": TEXT}, setup=card_text("{oops"),
            names=("m.card.json",)),
        cli("model-card-versions-list", "a card whose versions is a list", "classify", "a.txt",
            "--model", "m.safetensors", files={"a.txt": TEXT}, setup=card_change(versions=[1]),
            names=("versions",)),
        cli("model-card-format-version-str", "a card whose format_version is '2'", "classify",
            "a.txt", "--model", "m.safetensors", files={"a.txt": TEXT},
            setup=card_change(format_version="2"), names=("format",)),
        cli("model-card-thresholds-bad", "a card with a threshold of 7", "classify", "a.txt",
            "--model", "m.safetensors", files={"a.txt": TEXT},
            setup=card_change(thresholds={"border_relations": 7}), names=("threshold",)),
        api("api-load-classifier-pickle", "load_classifier(a pickle with a matching card)",
            "topics.load_classifier('m.safetensors')", setup=lambda s: crafted_model(s, pickled()),
            names=("ModelFileError", "m.safetensors")),
        api("api-load-classifier-card", "load_classifier(the card)",
            "topics.load_classifier('m.card.json')", setup=lambda s: no_skip(copy_shipped(s)),
            names=("model card",), forbid=("tampered",)),
        api("api-predict-bare-string", "clf.predict('a bare string')",
            "topics.load_classifier().predict('Ein Text')", names=("InputError",)),
        api("api-predict-empty", "clf.predict([])", "topics.load_classifier().predict([])",
            names=("InputError",)),
        api("api-predict-numbers", "clf.predict([1, 2])", "topics.load_classifier().predict([1, 2])",
            names=("InputError",)),
    ]


def no_skip(_: object) -> None:
    """Setups that only make files never skip."""
    return None


def crafted_model(scratch: Path, content: bytes, name: str = "m.safetensors") -> None:
    """A crafted model file with a card that matches it, so only the model file can refuse it."""
    path = scratch / name
    path.write_bytes(content)
    fake_card(path)


def skops_zip() -> bytes:
    """A zip laid out like a skops file whose schema names a pickled object."""
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("schema.json", json.dumps({
            "__class__": "exec", "__module__": "builtins", "__loader__": "ObjectNode",
            "protocol": 1, "_skops_version": "0.11", "content": {"file": "payload.pkl"}}))
        archive.writestr("payload.pkl", pickled())
    return buffer.getvalue()


def smuggling_safetensors() -> bytes:
    """A valid safetensors file whose metadata carries a base64 pickle under a tempting key."""
    import base64

    import numpy as np
    from safetensors.numpy import save

    metadata = {"__pickle__": base64.b64encode(pickled()).decode(), "format": "pickle",
                "params": base64.b64encode(pickled()).decode()}
    return save({"coef": np.zeros((2, 2), dtype=np.float32)}, metadata=metadata)


def damaged(how: str, resign: bool = False) -> Setup:
    """A setup copying the shipped model and damaging it (its card re-signed if ``resign``)."""
    def setup(scratch: Path) -> None:
        model = copy_shipped(scratch)
        data = bytearray(model.read_bytes())
        if how == "truncate":
            data = data[: len(data) // 2]
        else:
            data[len(data) // 2] ^= 0xFF
        model.write_bytes(bytes(data))
        if resign:
            fake_card(model)
    return setup


def no_card(scratch: Path) -> None:
    """The shipped model without its card."""
    copy_shipped(scratch)
    (scratch / "m.card.json").unlink()


def card_text(text: str) -> Setup:
    """A setup whose card holds ``text``."""
    def setup(scratch: Path) -> None:
        copy_shipped(scratch)
        (scratch / "m.card.json").write_text(text, encoding="utf-8")
    return setup


def card_change(**changes: object) -> Setup:
    """A setup whose card has fields changed (its checksum still matching)."""
    def setup(scratch: Path) -> None:
        model = copy_shipped(scratch)
        fake_card(model, **changes)
    return setup


def topic_model_cases() -> list[Case]:
    """Crafted topic-model folders for ``topics.load_topic_model``: refused, nothing executed."""
    load = "topics.load_topic_model('tm')"
    poke = ("r = topics.load_topic_model('tm')\n"
            "getattr(r.estimator, 'transform', lambda x: None)(['Ein Text'])")
    bert = {"bertopic": "bertopic"}

    def folder(data: Mapping[str, object], files: Mapping[str, bytes] = {}) -> Setup:
        return lambda s: no_skip(topic_folder(s, data, files))

    def tm(id: str, what: str, setup: Setup, body: str = load, **options: object) -> Case:
        return api(id, what, body, setup=setup, names=("ModelFileError", "tm"), pending=True,
                   **options)

    return [
        api("tm-valid-nmf", "a topic model saved by fit_topic_model(...).save, loaded back",
            "c = topics.load_corpus().subset(range(24))\n"
            "r = topics.fit_topic_model(c, model='nmf', unit='article', n_components=3)\n"
            "r.save('tm')\nback = topics.load_topic_model('tm')\n"
            "assert back.topics == r.topics, 'topics differ after loading'",
            expect=SUCCEED, timeout=180),
        tm("tm-bertopic-pickle", "result.json + a pickle as the bertopic file",
           folder(result_json("bertopic_default", estimator=bert), {"bertopic": pickled()}),
           quick=True),
        tm("tm-bertopic-joblib", "result.json + a joblib file as the bertopic file",
           joblib_folder("bertopic")),
        tm("tm-estimator-absolute", "estimator names an absolute path to a pickle",
           absolute_pickle_folder()),
        tm("tm-estimator-dotdot", "estimator names ../evil.pkl",
           lambda s: no_skip((s / "evil.pkl").write_bytes(pickled()) and topic_folder(
               s, result_json("bertopic_default", estimator={"bertopic": "../evil.pkl"})))),
        tm("tm-skops-exec", "embedding.skops: full_like -> min -> exec pipeline",
           skops_exec_folder, body=poke),
        tm("tm-npy-escape", "components named ../outside.npy (a valid array outside the folder)",
           outside_npy_folder(absolute=False)),
        tm("tm-npy-absolute", "components named by an absolute path to a valid array",
           outside_npy_folder(absolute=True)),
        tm("tm-flipped-byte", "a flipped byte in components.npy (no checksum today)",
           flipped_npy_folder),
        tm("tm-format-version-string", "format_version as a string",
           folder(result_json(format_version="1"))),
        tm("tm-versions-list", "versions as a list", folder(result_json(versions=[1, 2]))),
        tm("tm-estimator-string", "estimator as a string", folder(result_json(estimator="x.npy"))),
        tm("tm-truncated-safetensors", "a truncated safetensors file in the bertopic folder",
           folder(result_json("bertopic_default", estimator=bert),
                  {"bertopic/topics.json": b"{}", "bertopic/config.json": b"{}",
                   "bertopic/topic_embeddings.safetensors": b"\x10\x00\x00\x00\x00\x00\x00\x00{"})),
        tm("tm-result-json-list", "result.json that is a list", folder([])),  # type: ignore[arg-type]
        tm("tm-missing", "a folder with no result.json", mkdirs("tm")),
        tm("tm-distributions-pickle", "distributions.npy holding a pickled object array",
           object_npy_folder),
    ]


def joblib_folder(name: str) -> Setup:
    """A bertopic_default folder whose estimator file is a joblib pickle."""
    def setup(scratch: Path) -> None:
        folder = topic_folder(scratch, result_json("bertopic_default",
                                                   estimator={"bertopic": name}))
        joblibbed(folder / name)
    return setup


def absolute_pickle_folder() -> Setup:
    """A folder whose estimator names an absolute path outside it."""
    def setup(scratch: Path) -> None:
        evil = scratch / "elsewhere" / "evil.pkl"
        evil.parent.mkdir()
        evil.write_bytes(pickled())
        topic_folder(scratch, result_json("bertopic_default", estimator={"bertopic": str(evil)}))
    return setup


def skops_exec_folder(scratch: Path) -> None:
    """embedding.skops holding a pipeline numpy.full_like -> builtins.min -> builtins.exec."""
    import numpy as np
    import skops.io
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    pipe = make_pipeline(
        FunctionTransformer(np.full_like, kw_args={"fill_value": payload(), "dtype": object}),
        FunctionTransformer(min), FunctionTransformer(exec))
    folder = topic_folder(scratch, result_json(
        "bertopic", estimator={"bertopic": "bertopic", "embedding": "embedding.skops"}))
    skops.io.dump(pipe, folder / "embedding.skops")


def outside_npy_folder(absolute: bool) -> Setup:
    """An nmf folder whose components file is a valid array outside it: only a path check can
    refuse it."""
    def setup(scratch: Path) -> None:
        import numpy as np

        outside = scratch / "outside.npy"
        np.save(outside, np.ones((1, 2)), allow_pickle=False)
        name = str(outside) if absolute else "../outside.npy"
        topic_folder(scratch, result_json(estimator={"components": name,
                                                     "vocabulary": "vocabulary.json"}),
                     {"vocabulary.json": b'["vietnam", "hanoi"]'})
    return setup


def flipped_npy_folder(scratch: Path) -> None:
    """An nmf folder whose components.npy has one flipped byte in its data."""
    import numpy as np

    folder = topic_folder(scratch, result_json(estimator={"components": "components.npy",
                                                          "vocabulary": "vocabulary.json"}))
    np.save(folder / "components.npy", np.ones((1, 2)), allow_pickle=False)
    data = bytearray((folder / "components.npy").read_bytes())
    data[-3] ^= 0x40
    (folder / "components.npy").write_bytes(bytes(data))
    (folder / "vocabulary.json").write_text('["vietnam", "hanoi"]', encoding="utf-8")


def object_npy_folder(scratch: Path) -> None:
    """distributions.npy as an object array (a pickle inside the .npy)."""
    import numpy as np

    folder = topic_folder(scratch, result_json())
    array = np.empty(1, dtype=object)
    array[0] = Pwn()
    np.save(folder / "distributions.npy", array, allow_pickle=True)


def config_cases() -> list[Case]:
    """Experiment configs: not YAML mappings, wrong types in every section, bad --set values."""
    def dry(id: str, what: str, text: str | bytes, names: tuple[str, ...], *extra: str,
            **options: object) -> Case:
        return cli(id, what, "run", "c.yaml", "--dry-run", *extra, files={"c.yaml": text},
                   names=names, **options)

    return [
        dry("config-ok", "the tiny config, --dry-run", config(), (), expect=SUCCEED),
        dry("config-drop-repeated-one", "corpus.drop_repeated_paragraphs: 1 (every paragraph)",
            config(corpus={"limit": 24, "unit": "article", "drop_repeated_paragraphs": 1}),
            ("drop_repeated_paragraphs", "greater than or equal to 2")),
        dry("config-folds-leave-one", "n_splits 2 over 3 labelled articles: a fold trains on 1",
            config(corpus={"limit": 3, "unit": "article"}, classifier={"evaluation": {"n_splits": 2}}),
            ("n_splits", "2 folds over 3 articles", "use 3 folds")),
        dry("config-list", "a config that is a YAML list", "- a\n- b\n", ("c.yaml",), quick=True),
        dry("config-scalar", "a config that is a YAML string", "hello\n", ("c.yaml",)),
        dry("config-empty", "an empty config file", "", ("c.yaml",), expect=EITHER),
        dry("config-bad-yaml", "a config with a YAML syntax error", "name: [a\nseed: 1\n",
            ("c.yaml",)),
        dry("config-tabs", "a config indented with tabs", "corpus:\n\tlimit: 3\n", ("c.yaml",)),
        dry("config-binary", "a binary file as config", bytes(range(256)), ("c.yaml",)),
        dry("config-duplicate-key", "a config with a key twice", config() + "seed: 1\nseed: 2\n",
            ("seed",), expect=REFUSE_OR_WARN),
        cli("config-folder", "a folder given as config", "run", "d", "--dry-run",
            setup=mkdirs("d"), names=("d", "folder"), forbid=("not found",)),
        cli("config-missing", "a config that does not exist", "run", "nope.yaml", "--dry-run",
            names=("nope.yaml",)),
        dry("config-unknown-key", "an unknown top-level key", config(sed=3), ("sed", "seed")),
        dry("config-seed-str", "seed: 'abc'", config(seed="abc"), ("seed",)),
        dry("config-seed-bool", "seed: true", config(seed=True), ("seed",)),
        dry("config-name-escape", "name: ../x", config(name="../x"), ("name",)),
        dry("config-corpus-str", "corpus: a string", config(corpus="c.jsonl"), ("corpus",)),
        dry("config-analysis-list", "analysis: a list", config(analysis=[1, 2]), ("analysis",)),
        dry("config-analysis-min-len", "analysis.min_token_length: 0",
            config(analysis={"min_token_length": 0}), ("min_token_length",)),
        dry("config-analysis-stopwords-str", "analysis.extra_stop_words: a string",
            config(analysis={"extra_stop_words": 5}), ("extra_stop_words",)),
        dry("config-stop-words-ints", "analysis.extra_stop_words: [1, 2]",
            config(analysis={"extra_stop_words": [1, 2]}), ("extra_stop_words",)),
        dry("config-topic-models-int", "topic_models: 5", config(topic_models=5), ("topic_models",)),
        dry("config-topic-model-family", "topic_models.x.model: nosuch",
            config(topic_models={"x": {"model": "nosuch"}}), ("nosuch",)),
        dry("config-topic-model-unit", "topic_models.nmf.unit: sentence",
            config(topic_models={"nmf": {"model": "nmf", "unit": "sentence"}}), ("unit",)),
        dry("config-classifier-str", "classifier: 'yes'", config(classifier="yes"), ("classifier",)),
        dry("config-classifier-c", "classifier.C: 'high'",
            config(classifier={"enabled": True, "C": "high"}), ("classifier.C",), quick=True),
        dry("config-n-splits", "classifier.evaluation.n_splits larger than the corpus",
            config(classifier={"enabled": True, "evaluation": {"n_splits": 30}}), ("n_splits",)),
        dry("config-eval-seeds-str", "classifier.evaluation.seeds: '0'",
            config(classifier={"enabled": True, "evaluation": {"seeds": "0"}}), ("seeds",)),
        dry("config-eval-unit", "classifier.evaluation.unit: sentence",
            config(classifier={"enabled": True, "evaluation": {"unit": "sentence"}}), ("unit",)),
        dry("config-metrics-int", "evaluation.metrics: 5", config(evaluation={"metrics": 5}),
            ("metrics",)),
        dry("config-eval-seeds-empty", "evaluation.seeds: []", config(evaluation={"seeds": []}),
            ("seeds",)),
        dry("config-outputs-str", "outputs.figures: 'maybe'",
            config(outputs={"figures": "maybe"}), ("figures",)),
        dry("config-tracking", "tracking: wandb", config(tracking="wandb"), ("tracking",)),
        dry("config-n-jobs-zero", "n_jobs: 0", config(n_jobs=0), ("n_jobs",)),
        dry("config-dask-workers", "dask.n_workers: -1", config(dask={"n_workers": -1}),
            ("n_workers",)),
        dry("config-encoding", "corpus.encoding: utf-99",
            config(corpus={"limit": 24, "encoding": "utf-99"}), ("utf-99",)),
        dry("config-corpus-missing", "corpus.path that does not exist",
            config(corpus={"path": "no/such.jsonl"}), ("no/such.jsonl",)),
        dry("config-corpus-limit-zero", "corpus.limit: 0", config(corpus={"limit": 0}), ("limit",)),
        dry("config-min-topic-size", "bertopic min_topic_size: -5",
            config(topic_models={"b": {"model": "bertopic", "min_topic_size": -5}}),
            ("min_topic_size",)),
        dry("config-n-components-str", "nmf n_components: 'eight'",
            config(topic_models={"nmf": {"model": "nmf", "n_components": "eight"}}),
            ("n_components",)),
        dry("config-lda-hint", "lda n_components (the key is k)",
            config(topic_models={"lda": {"model": "lda", "n_components": 5}}), ("'k'",),
            forbid=("did you mean 'keep_compounds'",)),
        dry("set-nan", "--set topic_models.nmf.n_components=nan", config(), ("n_components",),
            "--set", "topic_models.nmf.n_components=nan"),
        dry("set-inf", "--set classifier.C=inf", config(classifier={"enabled": True}), ("C",),
            "--set", "classifier.C=inf"),
        dry("set-threshold-nan", "--set classifier.threshold=nan",
            config(classifier={"enabled": True}), ("threshold",),
            "--set", "classifier.threshold=nan"),
        dry("set-unset-env", "corpus.path: ${NO_SUCH_VARIABLE}",
            config(corpus={"path": "${TOPICS_CATALOGUE_UNSET}/c.jsonl"}),
            ("TOPICS_CATALOGUE_UNSET",)),
        dry("config-description-list", "description: a list", config(description=[1, 2]),
            ("description",)),
        dry("set-missing-value", "--set with nothing after it", config(), ("--set",), "--set"),
        dry("set-no-equals", "--set seed", config(), ("seed",), "--set", "seed"),
        dry("set-unknown-key", "--set nosuch.key=1", config(), ("nosuch",), "--set", "nosuch.key=1"),
        dry("set-huge-seed", "--set seed=1e400", config(), ("seed",), "--set", "seed=1e400"),
        cli("cli-unknown-option", "topics run --frobnicate", "run", "c.yaml", "--frobnicate",
            files={"c.yaml": config()}, names=("--frobnicate",), quick=True),
        cli("cli-unknown-command", "topics frobnicate", "frobnicate", names=("frobnicate",)),
        cli("cli-no-command", "topics with no command", expect=EITHER, names=("COMMAND",)),
        cli("models-unknown", "topics models nosuch", "models", "nosuch", names=("nosuch",)),
    ]


def run_cases() -> list[Case]:
    """Runs, sweeps, init-config, compare, reproduce: unwritable places and faults."""
    tiny = {"c.yaml": config()}
    slow = config(corpus={"unit": "paragraph"},
                  topic_models={"lda": {"model": "lda", "iterations": 100000}})
    slow_grid = config(corpus={"unit": "paragraph"}, grid={"seed": [0, 1, 2]},
                       topic_models={"lda": {"model": "lda", "iterations": 100000}})
    return [
        cli("runs-dir-is-file", "--runs-dir under a file", "run", "c.yaml", "--runs-dir",
            "f/runs", files={**tiny, "f": "x"}, names=("f/runs",)),
        cli("run-bad-scheduler", "run --scheduler ftp://x", "run", "c.yaml", "--runs-dir", "runs",
            "--scheduler", "ftp://x", files=tiny, names=("ftp://x",)),
        cli("runs-dir-read-only", "a read-only --runs-dir", "run", "c.yaml", "--runs-dir", "ro",
            files=tiny, setup=lambda s: read_only(s / "ro"), names=("ro",)),
        cli("run-disk-full", "topics run on a full disk", "run", "c.yaml", "--runs-dir", "runs",
            files=tiny, runner=full_disk_runner(4000), names=("disk is full",),
            leaves=("runs/*",), check=no_complete_run, timeout=300),
        cli("run-sigterm", "SIGTERM during topics run", "run", "c.yaml", "--runs-dir", "runs",
            files={"c.yaml": slow}, runner=sigterm_runner, status=143, names=("SIGTERM",),
            leaves=("runs/*",), check=partial_marked_failed, timeout=300),
        cli("sweep-sigterm", "SIGTERM during a parallel topics sweep", "sweep", "g.yaml",
            "--runs-dir", "runs", "--n-jobs", "2", runner=sigterm_runner, status=143,
            files={"g.yaml": slow_grid}, names=("SIGTERM", "sweep summary kept"),
            leaves=("runs/*",), check=sweep_stopped, timeout=300),
        cli("sweep-twice-at-once", "two sweeps of one name started in the same second", "sweep",
            "g.yaml", "--runs-dir", "runs", expect=SUCCEED, runner=twice_at_once,
            files={"g.yaml": config(grid={"seed": [0]})}, check=summaries(2), timeout=400),
        cli("sweep-resume-not-a-summary", "sweep --resume given a config, not a summary", "sweep",
            "g.yaml", "--runs-dir", "runs", "--resume", "g.yaml",
            files={"g.yaml": config(grid={"seed": [0, 1]})}, names=("--resume", "g.yaml")),
        cli("sweep-resume-other-grid", "sweep --resume with the summary of another grid", "sweep",
            "g.yaml", "--runs-dir", "runs", "--resume", "runs/x.sweep.json",
            files={"g.yaml": config(grid={"seed": [0, 1]}), "runs/x.sweep.json": json.dumps(
                {"id": "x", "grid": {"seed": [5]}, "points": []})}, names=("another grid",)),
        cli("sweep-n-jobs-zero", "sweep --n-jobs 0", "sweep", "g.yaml", "--n-jobs", "0",
            files={"g.yaml": config(grid={"seed": [0, 1]})}, names=("--n-jobs",)),
        cli("sweep-name-escape", "a sweep named ../../..", "sweep", "g.yaml", "--runs-dir", "runs",
            files={"g.yaml": config(name="../../..", grid={"seed": [0]})}, names=("name",)),
        cli("sweep-grid-not-mapping", "grid: a list", "sweep", "g.yaml", "--runs-dir", "runs",
            files={"g.yaml": config(grid=["seed"])}, names=("grid",)),
        cli("sweep-grid-empty", "grid: {}", "sweep", "g.yaml", "--runs-dir", "runs",
            files={"g.yaml": config(grid={})}, names=("grid",)),
        cli("sweep-grid-scalar-values", "grid values not a list", "sweep", "g.yaml",
            "--runs-dir", "runs", files={"g.yaml": config(grid={"seed": 3})}, names=("seed",)),
        cli("sweep-grid-unknown-key", "a grid over an unknown key", "sweep", "g.yaml",
            "--runs-dir", "runs", files={"g.yaml": config(grid={"sed": [0, 1]})}, names=("sed",)),
        cli("sweep-no-grid", "sweep of a config without grid", "sweep", "c.yaml", "--runs-dir",
            "runs", files=tiny, names=("grid",)),
        cli("init-config-exists", "init-config onto an existing file", "init-config", "e.yaml",
            files={"e.yaml": "# mine\n"}, names=("e.yaml", "--force"), quick=True),
        cli("init-config-folder", "init-config onto a folder", "init-config", "d",
            setup=mkdirs("d"), names=("d",)),
        cli("init-config-under-file", "init-config under a file", "init-config", "f/e.yaml",
            files={"f": "x"}, names=("a part of the path is a file",)),
        cli("init-config-read-only", "init-config into a read-only folder", "init-config",
            "ro/e.yaml", setup=lambda s: read_only(s / "ro"), names=("ro",)),
        cli("init-config-disk-full", "init-config on a full disk", "init-config", "e.yaml",
            runner=full_disk_runner(500), names=("disk is full",)),
        cli("compare-not-a-run", "compare a folder that is no run", "compare", "d",
            setup=mkdirs("d"), names=("d",)),
        cli("compare-missing", "compare a folder that does not exist", "compare", "nope",
            names=("nope",)),
        cli("compare-broken-run-json", "compare a good run and one with a broken run.json",
            "compare", "runs/good", "runs/bad", setup=runs_with("run.json"),
            expect=REFUSE_OR_WARN, names=("bad",), timeout=400),
        cli("compare-broken-config", "compare a good run and one with a broken config",
            "compare", "runs/good", "runs/bad", setup=runs_with("config.resolved.yaml"),
            expect=REFUSE_OR_WARN, names=("bad",), timeout=400),
        cli("compare-run-json-list", "compare a good run and one whose run.json is a list",
            "compare", "runs/good", "runs/bad", setup=runs_with("run.json", b"[]"),
            expect=REFUSE_OR_WARN, names=("bad",), timeout=400),
        cli("compare-metrics-binary", "compare a good run and one whose metrics.json is binary",
            "compare", "runs/good", "runs/bad", setup=runs_with("metrics.json", b"\xff\xfe\x00"),
            expect=REFUSE_OR_WARN, names=("bad",), timeout=400),
        cli("compare-config-list", "compare a good run and one whose config is a YAML list",
            "compare", "runs/good", "runs/bad", setup=runs_with("config.resolved.yaml", b"- a\n"),
            expect=REFUSE_OR_WARN, names=("bad",), timeout=400),
        cli("compare-figure-suffix", "compare --figure x.doc", "compare", "runs/good",
            "--figure", "x.doc", setup=runs_with(None), names=("x.doc",), timeout=400),
        cli("compare-figure-read-only", "compare --figure into a read-only folder", "compare",
            "runs/good", "--figure", "ro/x.png", setup=chain(runs_with(None), "ro"),
            names=("ro",), timeout=400),
        cli("reproduce-broken-config", "reproduce a run whose config is broken", "reproduce",
            "runs/bad", "--runs-dir", "again", setup=runs_with("config.resolved.yaml"),
            names=("bad",), timeout=400),
        cli("reproduce-tolerance-negative", "reproduce --tolerance -1", "reproduce", "runs/good",
            "--tolerance", "-1", "--runs-dir", "again", setup=runs_with(None),
            names=("tolerance=",), timeout=400),
        cli("reproduce-tolerance-nan", "reproduce --tolerance nan", "reproduce", "runs/good",
            "--tolerance", "nan", "--runs-dir", "again", setup=runs_with(None),
            names=("tolerance=",), timeout=400),
        cli("reproduce-not-a-run", "reproduce a folder that is no run", "reproduce", "d",
            setup=mkdirs("d"), names=("d",)),
        cli("report-not-a-run", "report a folder that is no run", "report", "d",
            setup=mkdirs("d"), names=("d",)),
        cli("analyse-output-suffix", "analyse --output x.txt", "analyse", "c.jsonl", "--output",
            "x.txt", files={"c.jsonl": GOOD_JSONL}, names=("x.txt",)),
        cli("analyse-drop-repeated-one", "analyse --drop-repeated-paragraphs 1 (every paragraph)",
            "analyse", "c.jsonl", "--output", "t.jsonl", "--drop-repeated-paragraphs", "1",
            files={"c.jsonl": GOOD_JSONL}, names=("--drop-repeated-paragraphs", "2 or more")),
        cli("analyse-chunk-zero", "analyse --chunk-size 0", "analyse", "c.jsonl", "--output",
            "t.jsonl", "--chunk-size", "0", files={"c.jsonl": GOOD_JSONL}, names=("--chunk-size",)),
        cli("analyse-bad-setting", "analyse --analysis min_token_length=abc", "analyse",
            "c.jsonl", "--output", "t.jsonl", "--analysis", "min_token_length=abc",
            files={"c.jsonl": GOOD_JSONL}, names=("min_token_length",)),
        cli("analyse-output-is-input", "analyse c.jsonl --output c.jsonl (the input itself)",
            "analyse", "c.jsonl", "--output", "c.jsonl", files={"c.jsonl": GOOD_JSONL},
            names=("c.jsonl",)),
        cli("analyse-unknown-setting", "analyse --analysis nosuch=1", "analyse", "c.jsonl",
            "--output", "t.jsonl", "--analysis", "nosuch=1", files={"c.jsonl": GOOD_JSONL},
            names=("nosuch",)),
        cli("stream-nmf-k-too-large", "stream-nmf -k 50 on a corpus of 3 articles",
            "stream-nmf", "c.jsonl", "-k", "50", "--output", "out",
            files={"c.jsonl": GOOD_JSONL}, names=("k=50",)),
        cli("stream-nmf-output-is-a-file", "stream-nmf --output onto a file", "stream-nmf",
            "c.jsonl", "-k", "2", "--output", "c.jsonl", files={"c.jsonl": GOOD_JSONL},
            names=("c.jsonl", "folder")),
        cli("analyse-workers-read-duplicate", "analyse on Dask, the workers reading: an id "
            "repeated in another range of lines", "analyse", "c.jsonl", "--output", "t.jsonl",
            "--scheduler", "local", "--n-workers", "1", "--chunk-size", "1", timeout=120,
            files={"c.jsonl": GOOD_JSONL + json.dumps({"id": "a0", "text": TEXT2}) + "\n"},
            names=("line 4", "duplicate id 'a0'", "line 1")),
        cli("stream-nmf-workers-read-bad-json", "stream-nmf on Dask, the workers reading: line 3 "
            "is not JSON", "stream-nmf", "c.jsonl", "-k", "2", "--output", "out", "--scheduler",
            "local", "--n-workers", "1", "--chunk-size", "2", timeout=120,
            files={"c.jsonl": GOOD_JSONL.replace('{"id": "a2"', '{"id" "a2"')},
            names=("line 3", "not valid JSON")),
        cli("classify-workers-read-unknown-encoding", "classify on Dask, the workers reading: "
            "an encoding Python does not know", "classify", "c.jsonl", "--encoding", "nope",
            "--output", "o.jsonl", "--scheduler", "local", "--n-workers", "1", timeout=120,
            files={"c.jsonl": GOOD_JSONL}, names=("c.jsonl", "'nope'")),
        cli("classify-workers-read-duplicate", "classify on Dask, the workers reading: an id "
            "repeated (the record is skipped, the rest classified: exit 1, their labels kept)",
            "classify", "c.jsonl", "--output", "o.jsonl", "--scheduler", "local", "--n-workers",
            "1", timeout=120, expect=EITHER, status=1, leaves=("o.jsonl",),
            files={"c.jsonl": GOOD_JSONL + json.dumps({"id": "a0", "text": TEXT2}) + "\n"},
            names=("line 4", "duplicate id 'a0'")),
        cli("analyse-workers-read-csv-wide-row", "analyse a CSV file on Dask, the workers "
            "reading: row 3 has a comma outside quotes", "analyse", "c.csv", "--output",
            "t.jsonl", "--scheduler", "local", "--n-workers", "1", "--chunk-size", "1",
            timeout=120, files={"c.csv": GOOD_CSV.replace('a3,"', 'a3,x,"')},
            names=("line 4", "4 fields where the header has 3")),
        cli("classify-workers-read-csv-bad-bytes", "classify a CSV file on Dask, the workers "
            "reading: its last row is not UTF-8 (reading stops there: exit 1, the rows before "
            "kept)", "classify", "c.csv", "--output", "o.jsonl", "--scheduler", "local",
            "--n-workers", "1", timeout=120, expect=EITHER, status=1, leaves=("o.jsonl",),
            files={"c.csv": GOOD_CSV.encode().replace(b"a3,", b"a\xff3,")},
            names=("line 4", "not valid utf-8")),
        cli("suggest-workers-read-bad-json", "suggest-labels on Dask, the workers reading: "
            "line 3 is not JSON (reading stops there: exit 1, the suggestions before kept)",
            "suggest-labels", "c.jsonl", "--output", "s.csv", "-n", "2", "--scheduler", "local",
            "--n-workers", "1", timeout=120, expect=EITHER, status=1, leaves=("s.csv",),
            files={"c.jsonl": GOOD_JSONL.replace('{"id": "a2"', '{"id" "a2"')},
            names=("line 3", "not valid JSON")),
        cli("train-output-is-corpus", "train-classifier --output onto the corpus file",
            "train-classifier", "--corpus", "c.csv", "--output", "c.csv", "--no-evaluate",
            files={"c.csv": GOOD_CSV}, expect=EITHER, names=("c.csv",)),
        cli("analyse-long-word", "analyse a 1 MB word without spaces", "analyse", "c.jsonl",
            "--output", "t.jsonl", expect=SUCCEED, timeout=120,
            files={"c.jsonl": json.dumps({"id": "a", "text": "Zusammenarbeit" * 70_000}) + "\n"}),
        cli("train-unlabelled", "train-classifier on a corpus without labels", "train-classifier",
            "--corpus", "c.jsonl", "--output", "m.safetensors", "--no-evaluate",
            files={"c.jsonl": GOOD_JSONL}, names=("no labels",)),
        cli("train-output-under-file", "train-classifier --output under a file",
            "train-classifier", "--corpus", "c.csv", "--output", "f/m.safetensors",
            "--no-evaluate", files={"c.csv": GOOD_CSV, "f": "x"},
            names=("a part of the path is a file",)),
        cli("train-output-read-only", "train-classifier --output into a read-only folder",
            "train-classifier", "--corpus", "c.csv", "--output", "ro/m.safetensors",
            "--no-evaluate", files={"c.csv": GOOD_CSV}, setup=lambda s: read_only(s / "ro"),
            names=("ro",)),
        cli("train-disk-full", "train-classifier on a full disk", "train-classifier", "--output",
            "m.safetensors", "--no-evaluate", runner=full_disk_runner(100_000),
            names=("disk is full",), timeout=400),
        api("train-two-versions", "train m.v1 then m.v2: each keeps its own card",
            "topics.train_classifier(None, 'm.v1.safetensors', evaluate=False)\n"
            "topics.train_classifier(None, 'm.v2.safetensors', evaluate=False, seed=1)\n"
            "topics.load_classifier('m.v1.safetensors')\n"
            "topics.load_classifier('m.v2.safetensors')", expect=SUCCEED, timeout=400),
        cli("train-unknown-label", "a CSV label outside labels.json", "train-classifier",
            "--corpus", "c.csv", "--output", "m.safetensors", "--no-evaluate",
            files={"c.csv": GOOD_CSV + f'a4,"{TEXT}",sports\n'}, expect=EITHER, names=("sports",)),
        cli("train-one-article", "train-classifier on one labelled article, card's CV on",
            "train-classifier", "--corpus", "c.csv", "--output", "m.safetensors",
            files={"c.csv": ONE_ARTICLE_CSV}, names=("3 articles", "--no-evaluate")),
        cli("train-one-article-no-evaluate", "train-classifier --no-evaluate on one article",
            "train-classifier", "--corpus", "c.csv", "--output", "m.safetensors", "--no-evaluate",
            files={"c.csv": ONE_ARTICLE_CSV}, names=("at least 2",)),
        cli("train-copies-only", "train-classifier on 4 copies of one article, card's CV on",
            "train-classifier", "--corpus", "c.csv", "--output", "m.safetensors",
            files={"c.csv": "id,text,labels\n" + "".join(
                f'c{i},"{TEXT}",defence_cooperation\n' for i in range(4))},
            names=("near-duplicates", "distinct articles")),
        api("duplicates-bad-threshold", "Corpus.duplicates(threshold=50): a percentage",
            "topics.load_corpus().duplicates(threshold=50)", names=("threshold=50", "(0, 1]")),
        cli("train-two-articles", "train-classifier on two labelled articles, card's CV on",
            "train-classifier", "--corpus", "c.csv", "--output", "m.safetensors",
            files={"c.csv": GOOD_CSV.rsplit("a3,", 1)[0]}, names=("3 articles", "--no-evaluate")),
        api("fit-one-text", "ArticleClassifier().fit on one text",
            f"topics.ArticleClassifier().fit([{TEXT!r}], [['defence_cooperation']])",
            names=("at least 2",)),
        api("fit-copies", "ArticleClassifier().fit on four copies of one article",
            f"topics.ArticleClassifier().fit([{TEXT!r}] * 4, [['defence_cooperation']] * 4)",
            names=("near-duplicates", "duplicate_threshold=None")),
        api("predict-none", "predict(None)", "topics.load_classifier().predict(None)",
            names=("list of texts", "NoneType")),
        api("predict-bytes", "predict(b'...') instead of a list of str",
            f"topics.load_classifier().predict({TEXT.encode()!r})", names=("bytes", "decode")),
        api("explain-list", "explain([text]) instead of one text",
            f"topics.load_classifier().explain([{TEXT!r}])", names=("list", "one text")),
        api("topic-model-none", "fit_topic_model(None)", "topics.fit_topic_model(None)",
            names=("Corpus", "NoneType")),
        api("topic-model-one-string", "fit_topic_model(one string)",
            f"topics.fit_topic_model({TEXT!r}, model='nmf')", names=("str", "[text, ...]")),
        api("topic-model-mixed", "fit_topic_model(texts mixed with units)",
            f"topics.fit_topic_model([{TEXT!r}] + topics.load_corpus().units('article')[:20])",
            names=("mixes", "item 1", "TextUnit")),
        api("split-paragraphs-none", "split_paragraphs(None)", "topics.split_paragraphs(None)",
            names=("str", "NoneType")),
        api("assign-none-text", "TopicModelResult.assign([None])",
            "r = topics.fit_topic_model(topics.load_corpus().subset(range(40)), 'nmf')\n"
            "r.assign([None])", names=("text 0", "NoneType")),
        api("assign-article-ids-short", "assign(texts, article_ids) of another length",
            "r = topics.fit_topic_model(topics.load_corpus().subset(range(40)), 'nmf')\n"
            f"r.assign([{TEXT!r}, {TEXT2!r}], ['a'])", names=("2 texts", "1 article_ids")),
        api("corpus-subset-out-of-range", "Corpus.subset with an index past the end",
            "topics.load_corpus().subset([9999])", names=("9999", "217 articles")),
        api("plot-map-unknown-method", "plots.document_map(method='tsne')",
            "r = topics.fit_topic_model(topics.load_corpus().subset(range(40)), 'nmf')\n"
            "topics.plots.document_map(r, method='tsne')", names=("method", "pca", "umap")),
        api("plot-top-words-zero", "plots.top_words(n_words=0)",
            "r = topics.fit_topic_model(topics.load_corpus().subset(range(40)), 'nmf')\n"
            "topics.plots.top_words(r, n_words=0)", names=("n_words", "at least 1")),
        api("compare-runs-one-string", "compare_runs('experiments/results/vietnam'): one path",
            f"t = topics.compare_runs({str(ROOT / 'experiments' / 'results' / 'vietnam')!r})\n"
            "assert len(t) == 1, t", expect=SUCCEED),
        api("evaluate-classifiers-none", "evaluate_classifiers(None)",
            "topics.evaluate_classifiers(None)", names=("Corpus", "NoneType")),
        api("classify-inputs-one-path", "classify_inputs('c.jsonl'): one path, not its letters",
            "s = topics.classify_inputs('c.jsonl', output='o.jsonl')\n"
            "assert s.classified == 3 and not s.problems, s", files={"c.jsonl": GOOD_JSONL},
            expect=SUCCEED),
        api("suggest-labels-one-path", "suggest_labels('c.jsonl', ...): one path",
            "s = topics.suggest_labels('c.jsonl', 's.csv', n=2)\n"
            "assert s.classified == 3 and s.written == 2 and not s.problems, s",
            files={"c.jsonl": GOOD_JSONL}, expect=SUCCEED),
        api("one-name-for-a-list", "one model name, one seed, one file where a list is expected",
            "from topics.topic_models import assign_files, compare_topic_models\n"
            "c = topics.load_corpus().subset(range(40))\n"
            "assert len(compare_topic_models(c, 'nmf', seeds=0)) == 1\n"
            "assert topics.evaluate_classifiers(c, seeds=0, peers=False).settings['seeds'] == [0]\n"
            "topics.fit_topic_model(c, 'nmf').save('tm')\n"
            "assert [r['file'] for r in assign_files('tm', 'a.txt')] == ['a.txt']",
            files={"a.txt": TEXT}, expect=SUCCEED),
        api("model-folder-round-trip", "save_classifier into a folder, load_classifier(folder)",
            "import os\nos.mkdir('models')\n"
            "topics.save_classifier(topics.load_classifier(), 'models')\n"
            f"assert topics.load_classifier('models').predict([{TEXT2!r}]) == [['border_relations']]",
            expect=SUCCEED),
        api("save-classifier-none", "save_classifier(None, path)",
            "topics.save_classifier(None, 'm.safetensors')", names=("ArticleClassifier", "NoneType")),
        api("corpus-label-set-string", "Corpus(articles, 'border_relations'): one label",
            "c = topics.Corpus([topics.Article('a', 'x', ('border_relations',))], 'border_relations')\n"
            "assert c.label_set == ('border_relations',), c.label_set", expect=SUCCEED),
        api("bertopic-tiny-vocabulary", "BERTopic on 30 one-word texts of 2 distinct words",
            "topics.fit_topic_model(['Grenze', 'Laos'] * 15, 'bertopic', unit='article')",
            names=("vocabulary has 2 word", "at least 3")),
        api("bertopic-small-vocabulary", "BERTopic on 30 one-word texts of 3 distinct words",
            "r = topics.fit_topic_model(['Grenze', 'Laos', 'Hanoi'] * 10, 'bertopic', "
            "unit='article')\nassert r.metrics['n_topics'] == 3, r.metrics", expect=SUCCEED),
        api("hdbscan-no-cluster", "BERTopic with HDBSCAN on 12 articles: no cluster found",
            "topics.fit_topic_model(topics.load_corpus().subset(range(12)), 'bertopic', "
            "unit='article', clustering='hdbscan')", names=("HDBSCAN", "no topic", "kmeans"),
            timeout=400),
        api("peer-no-topic-assign", "BERTopic's default (HDBSCAN) finds no topic; assign after it",
            "r = topics.fit_topic_model(topics.load_corpus().subset(range(1)), 'bertopic_default')\n"
            "assert r.n_topics == 0, r.sizes\n"
            "assert [a['topic'] for a in r.assign(['Grenze Laos', ''])] == [-1, -1]",
            expect=SUCCEED, timeout=400),
        api("nmf-more-topics-than-words", "NMF asked for 10 topics over a 4-word vocabulary",
            "topics.fit_topic_model(['Grenze Laos', 'Laos Hanoi', 'Hanoi Grenze', "
            "'Kambodscha Grenze'] * 8, 'nmf', unit='article', n_components=10, min_df=1, "
            "max_df=1.0)", names=("n_components=10", "4-word", "init='random'")),
        cli("csv-is-json-lines", "a JSON Lines corpus read as CSV (--format csv)", "summary",
            "c.jsonl", "--format", "csv", files={"c.jsonl": GOOD_JSONL},
            names=("c.jsonl", "text_column", "JSON Lines", "format='jsonl'")),
        cli("csv-semicolon-export", "a spreadsheet's ';'-separated CSV read with the default ','",
            "summary", "c.csv", files={"c.csv": GOOD_CSV.replace(",", ";")},
            names=("c.csv", "text_column", "';'-separated", "--delimiter")),
        api("article-one-label-string", "Article(labels='border_relations'): one label, not letters",
            "a = topics.Article('a', 'x', labels='border_relations')\n"
            "assert a.labels == ('border_relations',), a.labels", expect=SUCCEED),
        api("fit-labels-none", "fit(texts, None)",
            f"topics.ArticleClassifier().fit([{TEXT!r}, {TEXT2!r}], None)",
            names=("labels", "NoneType")),
    ]


def twice_at_once(case: Case, scratch: Path) -> Observation:
    """Start the case's command twice at once; the observation of the one that ends last."""
    start = time.monotonic()
    processes = [subprocess.Popen(command(case), cwd=scratch, env=environment(),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for _ in range(2)]
    try:
        outputs = [p.communicate(timeout=case.timeout) for p in processes]
    except subprocess.TimeoutExpired:
        for p in processes:
            p.kill()
        return Observation(None, "", "", time.monotonic() - start)
    statuses = [p.returncode for p in processes]
    status = next((s for s in statuses if s != 0), 0)
    out = "".join(decode(o) for o, _ in outputs)
    err = "".join(decode(e) for _, e in outputs)
    return Observation(status, out, err, time.monotonic() - start)


def summaries(n: int) -> Check:
    """A check that ``n`` sweep summaries were written (none overwrote another)."""
    def check(scratch: Path, seen: Observation) -> str | None:
        found = list(scratch.glob("runs/*.sweep.json"))
        return None if len(found) == n else f"{len(found)} sweep summaries for {n} sweeps"
    return check


def no_complete_run(scratch: Path, seen: Observation) -> str | None:
    """A failed run must leave no finished run folder and only whole JSON files."""
    runs = scratch / "runs"
    if not runs.exists():
        return None
    finished = [p for p in runs.iterdir() if p.is_dir() and not p.name.endswith(".partial")]
    if finished:
        return f"a finished-looking run folder {finished[0].name} was left"
    for path in runs.rglob("*.json"):
        try:
            json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, OSError):
            return f"{path.relative_to(scratch)} is cut off"
    return None


def partial_marked_failed(scratch: Path, seen: Observation) -> str | None:
    """After SIGTERM every .partial run says it failed (not 'running')."""
    partials = sorted(scratch.glob("runs/*.partial/run.json"))
    if not partials:
        return "no .partial run folder to show what happened"
    for path in partials:
        info = json.loads(path.read_text(encoding="utf-8"))
        if info.get("status") != "failed":
            return f"{path.relative_to(scratch)} says {info.get('status')!r}"
    return None


def sweep_stopped(scratch: Path, seen: Observation) -> str | None:
    """After SIGTERM a sweep's runs say they failed and its summary says it was stopped."""
    summaries_found = list(scratch.glob("runs/*.sweep.json"))
    if len(summaries_found) != 1:
        return f"{len(summaries_found)} sweep summaries, not one"
    summary = json.loads(summaries_found[0].read_text(encoding="utf-8"))
    if summary.get("status") != "stopped":
        return f"the sweep summary says {summary.get('status')!r}, not 'stopped'"
    return partial_marked_failed(scratch, seen)


_RUN_LOCK = threading.Lock()
_RUN_CACHE: dict[str, Path] = {}


def finished_run(root: Path) -> Path:
    """One finished tiny run, made once per catalogue and copied into cases that need it."""
    with _RUN_LOCK:
        if "run" not in _RUN_CACHE:
            home = Path(tempfile.mkdtemp(prefix="shared-run-", dir=root))
            (home / "c.yaml").write_text(config(), encoding="utf-8")
            subprocess.run([str(TOPICS), "-q", "run", "c.yaml", "--runs-dir", "runs"], cwd=home,
                           env=environment(), capture_output=True, timeout=600, check=True)
            (run,) = [p for p in (home / "runs").iterdir() if p.is_dir()]
            _RUN_CACHE["run"] = run
        return _RUN_CACHE["run"]


def runs_with(broken: str | None, content: bytes = b"{[ not: what it was") -> Setup:
    """runs/good (a finished run) and, if ``broken`` names a file, runs/bad with it replaced."""
    def setup(scratch: Path) -> None:
        run = finished_run(scratch.parent)
        shutil.copytree(run, scratch / "runs/good", symlinks=True)
        if broken:
            shutil.copytree(run, scratch / "runs/bad", symlinks=True)
            (scratch / "runs/bad" / broken).write_bytes(content)
    return setup


def chain(first: Setup, read_only_folder: str) -> Setup:
    """A setup followed by making a read-only folder (skip as root)."""
    def setup(scratch: Path) -> str | None:
        first(scratch)
        return read_only(scratch / read_only_folder)
    return setup


def misc_api_cases() -> list[Case]:
    """Text functions of the public API under odd input."""
    return [
        api("api-clean-text-none", "clean_text(None)", "topics.clean_text(None)",
            names=("InputError",)),
        api("api-analyse-surrogate", "analyse('\\udcff Zusammenarbeit')",
            "topics.analyse('\\udcff Zusammenarbeit')", expect=SUCCEED),
        api("api-clean-text-idempotent", "clean_text is idempotent on soft hyphen + combining",
            "s = 'o\\u00ad\\u0302 Gru\\u00ad\\u0308n'\nonce = topics.clean_text(s)\n"
            "assert topics.clean_text(once) == once, (once, topics.clean_text(once))",
            expect=SUCCEED),
        api("api-fit-unknown-family", "fit_topic_model(model='nosuch')",
            "topics.fit_topic_model(topics.load_corpus(), model='nosuch')", names=("nosuch",)),
        api("api-fit-bad-unit", "fit_topic_model(unit='sentence')",
            "topics.fit_topic_model(topics.load_corpus(), model='nmf', unit='sentence')",
            names=("sentence",)),
        api("api-load-run-missing", "load_run('nope')", "topics.load_run('nope')",
            names=("nope",)),
        api("api-run-experiment-dict-bad", "run_experiment with a config dict of a wrong type",
            "topics.run_experiment({'seed': 'abc'}, runs_dir='runs')", names=("seed",)),
    ]


def catalogue() -> list[Case]:
    """Every case."""
    return [*corpus_cases(), *classify_cases(), *model_cases(), *topic_model_cases(),
            *config_cases(), *run_cases(), *misc_api_cases()]


# ---- main --------------------------------------------------------------------------------------

def run_catalogue(cases: Sequence[Case], jobs: int = 2,
                  progress: Callable[[Verdict], None] | None = None) -> list[Verdict]:
    """Run the cases (``jobs`` at a time) and return their verdicts in catalogue order."""
    root = Path(tempfile.mkdtemp(prefix="error-catalogue-"))
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(run_case, case, root) for case in cases]
            verdicts = []
            for future in futures:
                verdicts.append(future.result())
                if progress:
                    progress(verdicts[-1])
        return verdicts
    finally:
        _remove(root)


def select(cases: Sequence[Case], quick: bool, only: str | None) -> list[Case]:
    """The cases to run: all, the quick subset, or those whose id matches ``only``."""
    chosen = [c for c in cases if c.quick] if quick else list(cases)
    if not only:
        return chosen
    return [c for c in chosen if any(fnmatch.fnmatch(c.id, p) for p in only.split(","))]


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    """The script's options."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a subset, under a minute")
    parser.add_argument("--markdown", type=Path, help="write the table as Markdown")
    parser.add_argument("--json", type=Path, help="write the verdicts and totals as JSON")
    parser.add_argument("--only", help="only cases whose id matches one of these patterns (comma-separated)")
    parser.add_argument("--jobs", type=int, default=2, help="cases at a time (2)")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the catalogue, print the table and the totals; 1 if any case ended badly."""
    args = parse(argv)
    cases = select(catalogue(), args.quick, args.only)
    verdicts = run_catalogue(cases, jobs=max(1, args.jobs),
                             progress=lambda v: print(f"  {v.id}: {v.outcome}", file=sys.stderr))
    print(table(verdicts))
    print()
    for key, count in totals(verdicts).items():
        print(f"{key:<18} {count}")
    if args.markdown:
        args.markdown.write_text(markdown(verdicts), encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps({"cases": [asdict(v) for v in verdicts],
                                         "totals": totals(verdicts)}, indent=1,
                                        ensure_ascii=False), encoding="utf-8")
    return 1 if failures(verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())

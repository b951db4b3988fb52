"""The command line: exit codes, one-line errors, each subcommand end to end on tiny inputs."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from topics import compare_runs
from topics.arguments import dask_checked
from topics.cli import build_parser, main
from topics.errors import ConfigError

TINY = {
    "name": "cli",
    "corpus": {"limit": 20, "unit": "article"},
    "topic_models": {"nmf": {"n_components": 3}},
    "classifier": {"enabled": False},
    "outputs": {"figures": False, "save_models": False},
}


@pytest.fixture(scope="module")
def config_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cfg") / "tiny.yaml"
    path.write_text(yaml.safe_dump(TINY), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def cli_run(config_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    runs = tmp_path_factory.mktemp("runs")
    assert main(["-q", "run", str(config_file), "--runs-dir", str(runs), "--set", "seed=1"]) == 0
    (run,) = runs.iterdir()
    return run


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "Traceback" not in err, err
    return err


def test_run_stores_status_and_overrides(cli_run: Path) -> None:
    assert json.loads((cli_run / "run.json").read_text())["status"] == "finished"
    assert yaml.safe_load((cli_run / "config.resolved.yaml").read_text())["seed"] == 1
    assert '# "seed=1"' in (cli_run / "config.yaml").read_text()


def test_an_override_with_a_line_break_keeps_the_stored_config_valid(
    cli_run: Path, config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--set $'description=line1\\nline2 x'` was written raw into the `# overrides:` line of
    config.yaml, whose second line then was not YAML; now each override is a JSON string."""
    runs = tmp_path / "runs"
    assert main(["-q", "run", str(config_file), "--runs-dir", str(runs), "--set",
                 "description=line1\nline2 x", "--set", "seed=2"]) == 0
    (run,) = runs.iterdir()
    stored = run / "config.yaml"
    assert yaml.safe_load(stored.read_text(encoding="utf-8"))["name"] == "cli"
    assert main(["-q", "run", str(stored), "--dry-run", "--runs-dir", str(tmp_path)]) == 0
    old = tmp_path / "old_run"  # a run stored before: one `# overrides: --set ...` line
    shutil.copytree(cli_run, old)
    body = (old / "config.yaml").read_text(encoding="utf-8").split("\n", 2)[2]
    (old / "config.yaml").write_text("# overrides: --set seed=1\n" + body, encoding="utf-8")
    capsys.readouterr()
    for earlier in (cli_run, old):
        assert main(["compare", str(earlier), str(run), "--format", "csv"]) == 0
        assert compare_runs([earlier, run]).attrs["swept_keys"] == ["config.seed"]


def test_run_output(config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(config_file), "--runs-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert str(tmp_path) in captured.out and "npmi" in captured.out
    assert "[1/2] load corpus" in captured.err  # the step log


def test_config_error_is_one_line_exit_2(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["run", str(config_file), "--runs-dir", str(tmp_path), "--set", "seeed=2"])
    assert code == 2
    err = one_line_error(capsys)
    assert str(config_file) in err and "did you mean 'seed'" in err
    assert not any(tmp_path.iterdir())


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    from topics.errors import ConfigError

    with pytest.raises(ConfigError):
        main(["--debug", "run", str(tmp_path / "missing.yaml")])


def test_missing_files_are_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", str(tmp_path / "missing.yaml")]) == 2
    assert "not found" in one_line_error(capsys)
    assert main(["summary", str(tmp_path / "nope.jsonl")]) == 2
    assert "nope.jsonl" in one_line_error(capsys)
    assert main(["compare", str(tmp_path / "nothing")]) == 2
    assert "no finished runs" in one_line_error(capsys)
    config = tmp_path / "grid.yaml"  # a file alone: the message said only "no finished runs"
    config.write_text("name: g\n", encoding="utf-8")
    assert main(["compare", str(config)]) == 2
    assert f"(skipped: {config}: a file, not a run directory)" in one_line_error(capsys)


def test_compare_formats_and_figure(
    cli_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    partial = tmp_path / "x.partial"
    partial.mkdir()
    figure = tmp_path / "cmp.png"
    args = ["compare", str(cli_run), str(partial), "--metrics", "topics.*.npmi_mean"]
    assert main([*args, "--format", "markdown", "--figure", str(figure)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| run |") and "topics.nmf.npmi_mean" in out
    assert figure.is_file()
    assert main([*args, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("run,")


@pytest.mark.parametrize(
    ("figure", "expected"),
    [
        ("cmp.doc", "unknown figure format '.doc'"),
        ("a_file/cmp.png", "a part of the path is a file, not a folder"),
        ("a_folder.png", "it is a folder, not a file"),
        ("mine.png", "mine.png exists and is not a figure of topics (matplotlib)"),
        pytest.param("read_only/cmp.png", "no permission to write there",
                     marks=pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")),
    ],
)
def test_a_figure_that_cannot_be_written_fails_before_the_table(
    cli_run: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], figure: str, expected: str
) -> None:
    (tmp_path / "a_file").write_text("in the way")
    (tmp_path / "a_folder.png").mkdir()
    (tmp_path / "read_only").mkdir(mode=0o500)
    (tmp_path / "mine.png").write_bytes(b"\x89PNG my own picture")
    assert main(["compare", str(cli_run), "--figure", str(tmp_path / figure)]) == 2
    assert (tmp_path / "mine.png").read_bytes() == b"\x89PNG my own picture"
    captured = capsys.readouterr()
    assert captured.out == ""  # no table before the error
    err = captured.err.strip()
    assert "\n" not in err and expected in err and figure.split("/")[0] in err


def test_a_figure_is_written_over_an_earlier_one(cli_run: Path, tmp_path: Path, capsys) -> None:
    for suffix in (".png", ".svg", ".pdf"):
        figure = tmp_path / f"cmp{suffix}"
        for _ in range(2):
            assert main(["compare", str(cli_run), "--figure", str(figure)]) == 0
    capsys.readouterr()


def _topics(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line in a process of its own: warnings print as they do for a user (pytest
    records them instead)."""
    code = "import sys; from topics.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=300)


def test_a_metric_pattern_that_matches_nothing_is_warned_about(cli_run: Path) -> None:
    done = _topics("compare", str(cli_run), "--metrics", "topics.*.npmi", "topics.*.nmi_mean")
    assert done.returncode == 0 and "topics.nmf.nmi_mean" in done.stdout
    assert done.stderr.strip() == (
        "topics compare: warning: metrics pattern 'topics.*.npmi' matches no metric; "
        "did you mean 'topics.*.npmi_mean'?")


def test_reproduce_exit_codes(cli_run: Path, tmp_path: Path, capsys) -> None:
    assert main(["-q", "reproduce", str(cli_run), "--runs-dir", str(tmp_path)]) == 0
    assert "identical" in capsys.readouterr().out
    tampered = tmp_path / "tampered"
    tampered.mkdir()
    for name in ("run.json", "config.resolved.yaml", "metrics.json"):
        (tampered / name).write_bytes((cli_run / name).read_bytes())
    metrics = json.loads((cli_run / "metrics.json").read_text())
    metrics["topics.nmf.npmi_mean"] = 1.0
    (tampered / "metrics.json").write_text(json.dumps(metrics))
    assert main(["-q", "reproduce", str(tampered), "--runs-dir", str(tmp_path)]) == 1
    assert "differ" in capsys.readouterr().out


def test_init_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "start.yaml"
    assert main(["init-config", str(target)]) == 0
    assert yaml.safe_load(target.read_text())["name"] == "experiment"
    assert main(["init-config", str(target)]) == 2
    assert "--force" in one_line_error(capsys)


def test_summary_of_the_shipped_corpus(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summary"]) == 0
    assert "217 articles" in capsys.readouterr().out


def test_summary_of_a_csv_corpus(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = tmp_path / "news.csv"
    csv.write_text("Sport;'Ein Spiel, ein Tor.'\nKultur;'Ein Konzert in Wien.'\n", encoding="utf-8")
    args = ["summary", str(csv), "--text-column", "1", "--label-column", "0"]
    assert main([*args, "--delimiter", ";", "--quotechar", "'", "--no-header"]) == 0
    assert "2 articles" in capsys.readouterr().out


def test_sweep_exit_code_counts_failures(tmp_path: Path, capsys) -> None:
    # 500 topics for 24 articles fails that point when it runs ("many" would stop the whole sweep
    # before any point: a value no config takes is a mistake in the grid file)
    grid = {**TINY, "grid": {"topic_models.nmf.n_components": [2, 500]}}
    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(grid))
    assert main(["-q", "sweep", str(path), "--n-jobs", "1", "--runs-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "1 of 2 points finished" in out and "failed" in out


def test_no_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2


def test_dry_run_validates_and_prints_the_resolved_config(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["run", str(config_file), "--dry-run", "--runs-dir", str(tmp_path), "--set", "seed=3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert out.startswith("# config valid: cli, hash ") and "seed: 3" in out
    assert yaml.safe_load(out)["topic_models"]["nmf"]["n_components"] == 3
    assert not any(tmp_path.iterdir())



def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    """The command line in a subprocess: its warnings reach stderr as a user sees them."""
    code = "import sys; from topics.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=600, check=False)


def test_summary_warns_once_when_the_columns_look_swapped() -> None:
    from .conftest import GNAD_CSV

    if not GNAD_CSV.exists():
        pytest.skip(f"10kGNAD sample not found at {GNAD_CSV}")
    args = ["summary", str(GNAD_CSV), "--delimiter", ";", "--quotechar", "'", "--no-header"]
    done = _cli(*args, "--text-column", "0", "--label-column", "1")
    assert done.returncode == 0 and done.stderr.splitlines() == [
        f"topics summary: warning: {GNAD_CSV}: 721 of 721 texts are a word or two and labels "
        "look like texts (most labels are long like texts): check text_column / label_column "
        "(--text-column, --label-column)"]
    done = _cli(*args, "--text-column", "1", "--label-column", "0")
    assert done.returncode == 0 and done.stderr == ""


def test_stream_nmf_warns_once_about_a_forgotten_no_header(tmp_path: Path, shipped_corpus) -> None:
    """Three reads of the file, one warning (the later reads repeat none of the first's)."""
    table = tmp_path / "news.csv"
    with table.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([a.primary_label or "", a.text] for a in shipped_corpus[:60])
    done = _cli("-q", "stream-nmf", str(table), "-k", "3", "-o", str(tmp_path / "out"),
                "--text-column", "1", "--label-column", "0", "--drop-repeated-paragraphs", "0")
    assert done.returncode == 0, done.stderr
    # the fit's own warnings (a topic of over half the units) are not about the file
    (line,) = [x for x in done.stderr.splitlines() if "warning: streaming NMF:" not in x]
    assert line.startswith(f"topics stream-nmf: warning: {table}: the first row, read as the "
                           "header, looks like an article (text_column=1: ")
    assert line.endswith("pass header=False (--no-header)")


def test_corpus_commands_take_the_encoding_their_error_names(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = tmp_path / "latin.csv"
    words = ["Grenze", "Hafen", "Schule", "Brücke", "Zug", "Markt", "Fluss", "Wald", "Stadt",
             "Insel", "Berg", "Straße"]  # each in two texts: a vocabulary for stream-nmf
    rows = [f"Sport,Grüße aus Hanoi: {words[i]} und {words[(i + 1) % 12]} für Vietnam."
            for i in range(12)]
    table.write_bytes(("labels,text\n" + "\n".join(rows) + "\n").encode("latin-1"))
    assert main(["summary", str(table)]) == 2
    assert one_line_error(capsys).endswith(
        "line 2: not valid utf-8 (invalid start byte); pass the file's encoding, e.g. "
        "encoding='latin-1' (--encoding latin-1), or re-save it as utf-8")
    assert main(["summary", str(table), "--encoding", "latin-1"]) == 0
    assert "12 articles" in capsys.readouterr().out
    tokens = tmp_path / "tokens.jsonl"
    assert main(["-q", "analyse", str(table), "-o", str(tokens), "--encoding", "latin-1",
                 "--drop-repeated-paragraphs", "0"]) == 0
    assert '"gruß"' in tokens.read_text(encoding="utf-8")
    out = tmp_path / "topics"
    assert main(["-q", "stream-nmf", str(table), "-k", "2", "-o", str(out), "--encoding",
                 "latin-1", "--drop-repeated-paragraphs", "0"]) == 0
    assert (out / "metrics.json").is_file()


SEED_WORDS = "-1 is not a seed; give a whole number from 0 to 4294967295"


def test_a_bad_seed_reads_the_same_wherever_it_is_given(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--seed` of two commands, a config's seed and the library's `seed=` say one thing."""
    import topics

    for args in (["stream-nmf", "x.jsonl", "-k", "3", "-o", str(tmp_path / "o"), "--seed", "-1"],
                 ["train-classifier", "--seed", "-1", "--output", str(tmp_path / "m")]):
        with pytest.raises(SystemExit) as info:
            main(args)
        assert info.value.code == 2 and f"argument --seed: {SEED_WORDS}" in capsys.readouterr().err
    assert main(["run", str(config_file), "--dry-run", "--set", "seed=-1"]) == 2
    assert f"seed = -1: {SEED_WORDS}" in one_line_error(capsys)
    with pytest.raises(ConfigError, match=f"model 'nmf': {SEED_WORDS}"):
        topics.fit_topic_model(["ein Text"] * 3, model="nmf", seed=-1)


def _option_help(command: str, option: str) -> str:
    from topics.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return next(a.help for a in sub._actions if option in a.option_strings)


def test_the_corpus_options_read_the_same_in_every_command() -> None:
    commands = ("summary", "analyse", "stream-nmf", "classify", "suggest-labels",
                "train-classifier")
    for option in ("--delimiter", "--encoding", "--quotechar", "--format", "--no-header"):
        helps = {command: _option_help(command, option) for command in commands}
        assert len(set(helps.values())) == 1 and None not in helps.values(), (option, helps)


def test_a_delimiter_of_two_characters_is_refused_before_reading(
    capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = str(Path(__file__).resolve().parents[1] / "seeds" / "hneg_dev.jsonl")
    with pytest.raises(SystemExit) as info:
        main(["classify", corpus, "--delimiter", ";;"])
    captured = capsys.readouterr()
    assert info.value.code == 2 and not captured.out
    assert "argument --delimiter: ';;' must be exactly one character" in captured.err
    with pytest.raises(SystemExit):
        main(["summary", corpus, "--delimiter", ""])
    assert "argument --delimiter: '' must be exactly one character" in capsys.readouterr().err



def test_summary_reads_a_labelling_file_as_train_classifier_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`--id-column` and `--label-separator`, as `suggest-labels` tells to train with."""
    path = tmp_path / "to_label.csv"
    path.write_text("id,labels,text\na1,border_relations|defence_cooperation,Ein Text.\n"
                    "a2,,Noch ein Text.\n", encoding="utf-8")
    assert main(["summary", str(path), "--id-column", "id", "--label-separator", "|"]) == 0
    out = capsys.readouterr().out
    assert "2 articles" in out and "border_relations" in out and "defence_cooperation" in out


def test_quiet_and_debug_also_come_after_the_command(
    config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", "-q"]) == 0 and "217 articles" in capsys.readouterr().out
    with pytest.raises(ConfigError):  # --debug: the error itself, with its traceback
        main(["run", str(config_file), "--dry-run", "--set", "seed=-1", "--debug"])
    assert main(["-q", "run", str(config_file), "--dry-run", "--set", "seed=-1"]) == 2


def test_every_argument_of_every_command_is_explained() -> None:
    from topics.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    unexplained = [f"{name} {action.option_strings or action.dest}"
                   for name, command in commands.items() for action in command._actions
                   if not action.help]
    assert unexplained == []


def test_dry_run_checks_the_runs_folder_and_scheduler_as_the_run_would(
    config_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """... and makes nothing: a runs folder still to be made is not made."""
    (tmp_path / "a_file").write_text("in the way", encoding="utf-8")
    args = ["run", str(config_file), "--dry-run"]
    assert main([*args, "--runs-dir", str(tmp_path / "a_file" / "runs")]) == 2
    assert "cannot create a run directory in this folder: a part of the path is a file" in (
        one_line_error(capsys))
    assert main([*args, "--scheduler", "ftp://x"]) == 2
    assert "scheduler='ftp://x': expected 'local'" in one_line_error(capsys)
    assert main([*args, "--runs-dir", str(tmp_path / "new" / "runs")]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"]


@pytest.mark.parametrize("command", ["analyse", "stream-nmf"])
def test_analyse_and_stream_nmf_read_ids_and_split_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    """They lacked --id-column and --label-separator, which their Python functions take."""
    import csv
    import json

    seeds = Path(__file__).resolve().parents[1] / "seeds" / "multi_dev.jsonl"
    records = [json.loads(line) for line in seeds.read_text(encoding="utf-8").splitlines()]
    corpus = tmp_path / "c.csv"
    with corpus.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["key", "labels", "text"])
        writer.writerows([r["id"], "|".join(r["labels"]), r["text"]] for r in records)
    out = tmp_path / ("tokens.jsonl" if command == "analyse" else "topics")
    extra = ["-o", str(out)] if command == "analyse" else ["-k", "3", "--output", str(out)]
    assert main(["-q", command, str(corpus), "--id-column", "key", "--label-separator", "|",
                 "--unit", "article", "--drop-repeated-paragraphs", "0", *extra]) == 0
    capsys.readouterr()
    rows = (out if command == "analyse" else out / "assignments.jsonl").read_text(encoding="utf-8")
    read = [json.loads(line) for line in rows.splitlines()]
    assert [(r["id"], r["labels"]) for r in read] == [(r["id"], r["labels"]) for r in records]


@pytest.mark.parametrize("argv", [
    ["classify", "seeds/multi_dev.jsonl"],
    ["analyse", "seeds/multi_dev.jsonl", "--output", "{out}"],
    ["suggest-labels", "seeds/multi_dev.jsonl", "--output", "{out}.csv"],
    ["stream-nmf", "seeds/multi_dev.jsonl", "-k", "3", "--output", "{out}"],
])
def test_n_workers_without_a_scheduler_is_refused_by_every_command(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch
) -> None:
    """`--n-workers 2` alone was ignored by all but `topics run`; now each refuses it, in run's
    words (topics.distributed.check_where), before any work."""
    from .conftest import REPO

    monkeypatch.chdir(REPO)
    out = tmp_path / "out"
    args = [a.replace("{out}", str(out)) for a in argv]
    assert main([*args, "--n-workers", "2"]) == 2
    assert "n_workers=2 (--n-workers) sets the processes of a Dask LocalCluster" in (
        one_line_error(capsys))
    assert not any(tmp_path.iterdir())
    parsed = build_parser().parse_args(["sweep", "c.yaml", "--n-workers", "2"])
    assert dask_checked(parsed) is parsed  # a sweep's scheduler may come from its config

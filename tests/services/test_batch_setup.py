"""How batch workers are set up: once in the fork server for the whole run, and with the collector set for a
batch. Setting a worker up (imports, parsing the form, compiling templates) costs ≈ 0.8 s, so a worker forked
from a server that already did it must start ready — and a worker that finds another run's setup must make
its own."""

from __future__ import annotations

import datetime as dt
import gc
import json
import os
import subprocess
import sys
from pathlib import Path

from pdfcheck import SAMPLE_FORM, SAMPLE_MAP

from ka2forms.services import batch
from ka2forms.services.batch import SETUP_ENV, Options, options_from_json, options_json

REPO = Path(__file__).resolve().parents[2]


def test_options_travel_to_the_fork_server_unchanged() -> None:
    options = Options(formats=("html", "docx"), lang="sl", form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP),
                      flatten=True, today=dt.date(2026, 3, 1), action="KA220-VET", call_year=2025, strict=True)
    assert options_from_json(options_json(options)) == options
    assert options_from_json(options_json(Options())) == Options()


PRELOAD = """
import json, sys
import ka2forms.services._batch_preload
from ka2forms.services import batch
w = batch._WORKER
print(json.dumps(None if w is None else {"form": w.template is not None, "map": w.fmap is not None,
                                         "lang": w.options.lang}))
"""


def _preload(env_value: str | None) -> object:
    env = {k: v for k, v in os.environ.items() if k != SETUP_ENV}
    if env_value is not None:
        env[SETUP_ENV] = env_value
    proc = subprocess.run([sys.executable, "-c", PRELOAD], capture_output=True, text=True, env=env, timeout=120,
                          cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_the_fork_server_sets_a_worker_up_from_the_run_options() -> None:
    options = Options(lang="cs", form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP))
    assert _preload(options_json(options)) == {"form": True, "map": True, "lang": "cs"}


def test_a_fork_server_without_options_or_with_a_bad_form_still_runs_and_sets_nothing_up(tmp_path: Path) -> None:
    assert _preload(None) is None
    bad = tmp_path / "form.pdf"
    bad.write_bytes(b"not a PDF at all")
    assert _preload(options_json(Options(form=str(bad)))) is None


def test_a_worker_set_up_for_other_options_sets_itself_up_again(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[Options] = []
    monkeypatch.setattr(batch, "_init_worker", lambda options, fingerprint: calls.append(options))
    same = Options(lang="sl")
    monkeypatch.setattr(batch, "_WORKER", batch._Worker(same, same.fingerprint()))
    batch._set_up(same, same.fingerprint())
    assert calls == []
    other = Options(lang="cs")
    batch._set_up(other, other.fingerprint())
    assert calls == [other]


def test_a_batch_collects_less_often_and_puts_the_settings_back() -> None:
    before = gc.get_threshold()
    with batch.fewer_collections():
        assert gc.get_threshold() == batch.BATCH_GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def _workbooks(tmp_path: Path, n: int) -> list[batch.Job]:
    from workbooks import make_workbook

    src = tmp_path / "in"
    src.mkdir()
    for i in range(n):
        make_workbook(src, name=f"w{i}.xlsx")
    (tmp_path / "out").mkdir()
    return batch.collect([src], tmp_path / "out").jobs


FORKED = """
import json, os, sys
from pathlib import Path
from ka2forms.services import batch

folder, form, fmap = (Path(a) for a in sys.argv[1:4])
jobs = batch.collect([folder / "in"], folder / "out").jobs
parent, real_setup, real_convert = os.getpid(), batch._init_worker, batch.convert_one

def only_in_the_parent(options, fingerprint):
    assert os.getpid() == parent, "a worker set itself up again"
    real_setup(options, fingerprint)

def noting_the_worker(job, resume=False):        # whose setup the worker converts with
    (folder / "workers" / str(os.getpid())).write_text(str(id(batch._WORKER)))
    return real_convert(job, resume=resume)

if __name__ == "__main__":
    (folder / "workers").mkdir()
    batch._init_worker, batch.convert_one = only_in_the_parent, noting_the_worker    # a forked worker has both
    rows = batch.run(jobs, batch.Options(form=str(form), map_file=str(fmap)), workers=2)
    seen = {p.name: p.read_text() for p in (folder / "workers").iterdir()}
    print(json.dumps({"rows": [r.status for r in rows], "parent": str(parent), "setup": str(id(batch._WORKER)),
                      "workers": seen}))
"""


def test_workers_forked_from_the_set_up_parent_never_set_themselves_up(tmp_path: Path) -> None:
    """On Linux the parent parses the form, map and templates once and forks its workers: a worker that set
    itself up again would spend the ≈ 0.6 s a fork server takes (here: fail). In a fresh interpreter: a
    thread another test left running (a library's monitor) rightly turns forking off."""
    if not sys.platform.startswith("linux"):
        import pytest

        pytest.skip("allowed: workers are forked from the parent on Linux only")
    _workbooks(tmp_path, 4)
    script = tmp_path / "forked.py"
    script.write_text(FORKED, encoding="utf-8")
    proc = subprocess.run([sys.executable, str(script), str(tmp_path), str(SAMPLE_FORM), str(SAMPLE_MAP)],
                          capture_output=True, text=True, timeout=300, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    seen = json.loads(proc.stdout.strip().splitlines()[-1])
    assert seen["rows"] == ["converted"] * 4
    assert seen["workers"] and seen["parent"] not in seen["workers"]
    assert set(seen["workers"].values()) == {seen["setup"]}                # the parent's own setup


def test_without_forking_workers_come_from_the_fork_server_and_convert_the_same(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """macOS (and a replacement started while the progress display runs) take the fork server's way."""
    jobs = _workbooks(tmp_path, 3)
    monkeypatch.setattr(batch, "FORK_WORKERS", False)
    options = Options(form=str(SAMPLE_FORM), map_file=str(SAMPLE_MAP))
    rows = batch.run(jobs, options, workers=2)
    assert [r.status for r in rows] == ["converted"] * 3
    assert all(len(list((Path(j.outdir) / "forms").glob("*.pdf"))) >= 2 for j in jobs)

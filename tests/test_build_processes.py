"""The build's processes: nothing outlives a build, however it ends, and a dead worker costs
only its own variant.

Builds run the fixture notebook sleepy.ipynb, which writes which worker runs its kernel and
then sleeps, so that a test can act while a variant is executing. Builds that a test stops
run in a separate process, with their own temporary folder and a marker in their
environment that every process they start inherits.
"""

import io
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest
from fixtures.reports import MARKERS_ENV, NAMESPACE, NOTEBOOKS, SLEEPY
from rich.console import Console

from analysis import paths
from analysis.build.run import build, make_config

# The build tier: builds with kernels (see conftest.py and pyproject's markers).
pytestmark = pytest.mark.build

RUN_ENV = "BIOTECH_TEST_RUN"


def _wait_for(predicate, timeout=90.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def _alive(run_id):
    """Processes (not zombies) whose environment carries ``run_id``."""
    found = []
    for process in psutil.process_iter():
        try:
            if process.status() == psutil.STATUS_ZOMBIE:
                continue
            if process.environ().get(RUN_ENV) == run_id:
                found.append(process)
        except psutil.Error:
            pass
    return found


class SeparateBuild:
    """A build of sleepy_a (French, HTML) in a process of its own, in its own session."""

    def __init__(self, root: Path):
        self.out = root / "out"
        self.markers = root / "markers"
        self.markers.mkdir()
        # A short temporary folder: kernels' Unix sockets live there (paths are limited).
        self.tmp = Path(tempfile.mkdtemp(prefix="bt"))
        self.run_id = uuid.uuid4().hex
        code = (
            "import sys\n"
            f"sys.path.insert(0, {str(NOTEBOOKS.parent)!r})\n"
            "from pathlib import Path\n"
            "from reports import NOTEBOOKS, SLEEPY\n"
            "from analysis.build.run import make_config, run_build\n"
            "config = make_config(registry=SLEEPY, notebooks_dir=NOTEBOOKS,"
            f" out_dir=Path({str(self.out)!r}), reports=['sleepy_a'], langs=['fr'],"
            " formats=['html'], jobs=1, quiet=True)\n"
            "sys.exit(run_build(config))\n"
        )
        env = dict(
            os.environ,
            CI="true",
            TMPDIR=str(self.tmp),
            **{RUN_ENV: self.run_id, MARKERS_ENV: str(self.markers)},
        )
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            cwd=paths.ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )

    def wait_until_executing(self):
        """Wait until the notebook runs (it then sleeps until released)."""
        marker = self.markers / "a.pid"
        if not _wait_for(marker.exists):
            self.process.kill()
            pytest.fail(f"the build never started its notebook: {self.process.communicate()}")

    def release(self):
        """Let the notebook finish."""
        (self.markers / "release").touch()

    def close(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        for process in _alive(self.run_id):
            process.kill()
        self.process.stdout.close()
        self.process.stderr.close()
        for folder, _, files in os.walk(self.tmp, topdown=False):
            for name in files:
                os.unlink(os.path.join(folder, name))
            os.rmdir(folder)


@pytest.fixture
def separate_build(tmp_path):
    started = SeparateBuild(tmp_path)
    yield started
    started.close()


def test_kill_nine_of_the_build_leaves_no_process_and_no_write(separate_build):
    build_ = separate_build
    build_.wait_until_executing()
    tree = _alive(build_.run_id)
    # The build, its worker, the worker's kernel and multiprocessing's resource tracker.
    assert len(tree) >= 4, [p.cmdline() for p in tree]

    build_.process.kill()
    build_.process.wait()

    assert _wait_for(lambda: not _alive(build_.run_id), timeout=10), [
        p.cmdline() for p in _alive(build_.run_id)
    ]
    # Were the notebook still running, it would now finish and its files be written.
    build_.release()
    time.sleep(3.0)
    assert sorted(p.name for p in build_.out.rglob("*")) == [".build.lock"]
    # Nor was any kernel connection file (it holds the kernel's key) or socket left.
    assert list(build_.tmp.rglob("*")) == []


@pytest.mark.parametrize(
    ("signum", "to_group", "code"),
    [(signal.SIGINT, True, 130), (signal.SIGTERM, False, 143)],
    ids=["ctrl-c", "sigterm"],
)
def test_stop_signal_ends_every_process_and_leaves_no_file(separate_build, signum, to_group, code):
    build_ = separate_build
    build_.wait_until_executing()
    # The build has said what it does, while it does it (not only when it ends).
    assert select.select([build_.process.stdout], [], [], 5.0)[0]
    assert build_.process.stdout.readline() == (
        "1 to build, 0 up to date; checking the data in data/\n"
    )
    # The folder is busy meanwhile.
    second = subprocess.run(
        [sys.executable, "-m", "analysis", "build", "--out", str(build_.out), "--quiet"],
        cwd=paths.ROOT,
        capture_output=True,
        text=True,
    )
    assert second.returncode == 3
    assert second.stderr.startswith(f"error: another build is writing to {build_.out} (process ")

    # Ctrl-C in a terminal signals the whole process group; `kill` signals the build alone.
    if to_group:
        os.killpg(build_.process.pid, signum)
    else:
        build_.process.send_signal(signum)
    stdout, stderr = build_.process.communicate(timeout=60)

    assert build_.process.returncode == code, stderr
    name = signal.Signals(signum).name
    assert f"interrupted ({name}): finished reports were kept" in stdout
    assert _wait_for(lambda: not _alive(build_.run_id), timeout=10)
    assert list(build_.out.rglob("*")) == []  # not even the lock
    assert list(build_.tmp.rglob("*")) == []


def test_dead_worker_fails_its_variant_only_and_the_other_runs_again(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    out = tmp_path / "out"
    killed = []

    def kill_worker_of_a():
        # Once both variants execute, each on its worker, kill the worker running sleepy_a;
        # once sleepy_b runs again on a fresh worker, let it finish.
        a, b = markers / "a.pid", markers / "b.pid"
        if _wait_for(lambda: a.exists() and b.exists()):
            first_b = b.read_text()
            killed.append(int(a.read_text()))
            os.kill(killed[0], signal.SIGKILL)
            _wait_for(lambda: b.read_text() != first_b)  # sleepy_b runs again, elsewhere
        (markers / "release").touch()

    killer = threading.Thread(target=kill_worker_of_a, daemon=True)
    console = Console(file=io.StringIO(), width=200, force_terminal=False)
    config = make_config(
        registry=SLEEPY,
        notebooks_dir=NOTEBOOKS,
        out_dir=out,
        langs=["fr"],
        formats=["html"],
        jobs=2,
        quiet=True,
    )
    os.environ[MARKERS_ENV] = str(markers)
    try:
        killer.start()
        outcome = build(config, console)
    finally:
        del os.environ[MARKERS_ENV]
    killer.join()
    text = console.file.getvalue()

    assert killed, text
    assert outcome.exit_code == 1
    assert outcome.statuses["fr/sleepy_a"].state == "failed", text
    assert outcome.statuses["fr/sleepy_b"].state == "done", text
    assert outcome.retried == ["fr/sleepy_b"], text
    assert "1 built, 0 up to date, 1 failed in " in text
    assert "failed: report sleepy_a (fr), its worker process died (killed by SIGKILL)" in text
    assert "run again on a fresh worker after another worker died: fr/sleepy_b" in text
    assert "Sleepy report b" in (out / "fr" / "sleepy_b.html").read_text(encoding="utf-8")
    assert not (out / "fr" / "sleepy_a.html").exists()


def test_a_worker_runs_its_variants_in_one_kernel_reset_between_them(tmp_path):
    markers = tmp_path / "markers"
    markers.mkdir()
    config = make_config(
        registry=NAMESPACE,
        notebooks_dir=NOTEBOOKS,
        out_dir=tmp_path / "out",
        formats=["html"],
        jobs=1,
        quiet=True,
    )
    os.environ[MARKERS_ENV] = str(markers)
    try:
        outcome = build(config, Console(file=io.StringIO(), width=200))
    finally:
        del os.environ[MARKERS_ENV]

    assert outcome.exit_code == 0
    found = {p.stem: json.loads(p.read_text()) for p in markers.glob("*.json")}
    assert sorted(found) == ["a-en", "a-fr", "b-en", "b-fr"]
    # One worker, one kernel: the four variants ran in the same kernel process...
    assert len({f["kernel"] for f in found.values()}) == 1
    # ...and each started as the first did, in a new kernel, though the one before it left a
    # name behind and moved: no such name, the notebooks folder, and the execution count
    # IPython shows inside the third cell (parameters 1, injected parameters 2, this cell 3,
    # counted once more while it runs: 4).
    for f in found.values():
        assert (f["leftover"], f["cwd"], f["count"]) == (False, str(NOTEBOOKS), 4)

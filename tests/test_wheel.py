"""procqa installs as one import root: a wheel built from this checkout, installed into a fresh virtual
environment, finds its bundled corpus and answers, without the source tree on the path."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # Built from a copy, so the build leaves nothing in the checkout; --no-isolation: with this
    # environment's pinned setuptools rather than one fetched for the build.
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("procqa", "corpus"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out), str(source)],
        check=True, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    (path,) = out.glob("procqa-*.whl")
    return path


def test_wheel_holds_one_import_root_and_the_corpus(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    roots = {n.split("/")[0] for n in names if not n.startswith("procqa-")}
    assert roots == {"procqa"}
    assert "procqa/corpus/manifest.json" in names
    assert "procqa/corpus/set-procedures-2025.md" in names and "procqa/corpus/all-wales-cpp-2008.txt" in names
    assert "procqa/retrieval/vocabulary.csv" in names and "procqa/retrieval/ranker.json" in names
    assert not any(n.startswith("procqa/tests") or n == "app.py" for n in names)


def test_wheel_in_a_fresh_venv_ingests_the_bundled_corpus_and_answers(wheel, data_dir, tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    # The dependencies come from this environment (a plain path entry: its editable procqa hook is not
    # run), the project itself only from the wheel.
    fresh_site = Path(
        subprocess.run(
            [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    (fresh_site / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [python, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)],
        check=True, capture_output=True, text=True, timeout=300,
    )  # fmt: skip

    data = tmp_path / "data"
    shutil.copytree(data_dir, data, symlinks=True)  # reuse its embeddings: ingest re-parses, embeds nothing
    away = tmp_path / "elsewhere"
    away.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PROCQA_CORPUS")}
    env["PROCQA_DATA"] = str(data)

    where = subprocess.run(
        [python, "-c", "import procqa.config as c; print(c.PACKAGE); print(c.Settings().manifest)"],
        cwd=away, env=env, check=True, capture_output=True, text=True,
    ).stdout.split()  # fmt: skip
    assert where[0].startswith(str(fresh_site)) and where[1].startswith(str(fresh_site))

    procqa = str(venv / "bin" / "procqa")
    ingest = subprocess.run(
        [procqa, "ingest"], cwd=away, env=env, capture_output=True, text=True, timeout=600
    )
    assert ingest.returncode == 0, ingest.stderr[-2000:]
    assert "indexed 3502 paragraphs (0 embedded, 3502 unchanged)" in ingest.stdout

    asked = subprocess.run(
        [procqa, "ask", "--json", "what is a strategy discussion?", "--doc", "set-2025"],
        cwd=away, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr[-2000:]
    answer = json.loads(asked.stdout)
    assert not answer["abstained"] and answer["sections"][0]["steps"]
    assert all(c["label"].startswith("SET ") for c in answer["citations"])

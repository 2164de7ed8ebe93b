"""README tells the truth: its command lines run as written, and the numbers it quotes are what the demo prints."""

from __future__ import annotations

import os
import re
import site
import subprocess
from pathlib import Path

import pytest

from tests.test_plugin import _demo_module, plugin_zip, qgis_home  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list:
    """The README's ```sh blocks, each as the list of its commands (continued lines joined)."""
    blocks = []
    for body in re.findall(r"```sh\n(.*?)```", README, flags=re.S):
        blocks.append([c.strip() for c in body.replace("\\\n", " ").splitlines() if c.strip()])
    return blocks


def headline_block() -> list:
    match = re.search(r"<!-- demo-headline: begin -->\n```text\n(.*?)\n```\n<!-- demo-headline: end -->", README, re.S)
    assert match, "README has no demo headline block"
    return match.group(1).splitlines()


def test_every_qgis_process_command_runs_headless():
    commands = [c for block in shell_blocks() for c in block if "qgis_process" in c]
    assert commands
    for command in commands:
        assert command.startswith("QT_QPA_PLATFORM=offscreen qgis_process.bin "), command


@pytest.fixture
def shell_env(qgis_home):  # noqa: F811 (the fixture imported above)
    """A user's shell: the plugin installed in their profile, no QT_QPA_PLATFORM set beforehand."""
    env = {k: v for k, v in qgis_home.items() if k != "QT_QPA_PLATFORM"}
    env["PYTHONUSERBASE"] = site.getuserbase()  # (HOME moved: keep Python's own user site, e.g. tzfpy)
    return env


def run_block(block: list, cwd: Path, env: dict) -> None:
    # As a user types them, one after another (enabling a plugin that is enabled says so, and exits 1).
    script = "set -uo pipefail\n" + "\n".join(block) + "\n"
    proc = subprocess.run(["bash", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def workdir(tmp_path: Path) -> Path:
    """A folder that looks like the repository's to README's commands (sample/ in it)."""
    os.symlink(ROOT / "sample", tmp_path / "sample")
    return tmp_path


def test_readme_loadreads_example_runs(shell_env, tmp_path):
    block = next(b for b in shell_blocks() if any("alpr:loadreads" in c for c in b))
    run_block(block, workdir(tmp_path), shell_env)
    assert (tmp_path / "reads.gpkg").is_file() and (tmp_path / "rejected.gpkg").is_file()


def test_readme_pipeline_runs_and_its_numbers_are_the_demos(shell_env, tmp_path):
    block = next(b for b in shell_blocks() if any("ALPR accountability pipeline" in c for c in b))
    run_block(block, workdir(tmp_path), shell_env)
    out = tmp_path / "out"
    demo = _demo_module()
    files = demo.output_files(out)
    assert all(path.is_file() for path in files.values()), [p.name for p in files.values() if not p.is_file()]
    # The demo passes the same inputs as README's command line (its key is random; no number depends on it).
    readme_args = " ".join(block)
    params = demo.model_parameters(ROOT / "sample" / "alpr_reads.csv.gz", ROOT / "sample" / "city.gpkg", Path("k"), {})
    for name, value in params.items():
        if name in ("alpr_export", "key_file"):
            continue
        for v in value if isinstance(value, list) else [value]:
            shown = "{}={}".format(name, str(v).replace(str(ROOT) + "/", ""))
            assert shown in readme_args, shown
    assert demo.headline_lines(files) == headline_block()
    assert (os.stat(out / "report.html").st_mode & 0o777) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask

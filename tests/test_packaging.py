"""The project installs as documented: pinned, conda and pip alike, wheel with data."""

import json
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parents[1]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~ \[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _pyproject_requirements() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [r for group in project["optional-dependencies"].values() for r in group]
    return {r.replace(" ", "") for r in project["dependencies"] + extras}


def _conda_requirements() -> set[str]:
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    found = set()
    for entry in env["dependencies"]:
        entries = entry["pip"] if isinstance(entry, dict) else [entry]
        found |= {e.replace(" ", "") for e in entries if _name(e) not in {"python", "pip", "-e"}}
    return {f for f in found if not f.startswith("-e")}


def test_environment_yml_lists_the_same_dependencies_as_pyproject():
    assert _conda_requirements() == _pyproject_requirements()


def test_every_dependency_is_pinned_in_the_lock_file():
    lock = (ROOT / "requirements.lock").read_text()
    pinned = {_name(line) for line in lock.splitlines() if "==" in line}
    missing = {_name(r) for r in _pyproject_requirements()} - pinned
    assert not missing, f"run `make lock`: {sorted(missing)} not pinned"


@pytest.mark.skipif(
    not (ROOT / ".venv" / ".installed").exists(), reason="only where `make` set up .venv"
)
def test_a_second_make_finds_the_environment_up_to_date():
    done = subprocess.run(["make", "-q", ".venv/.installed"], cwd=ROOT)
    assert done.returncode == 0, "make would reinstall: is .venv/.installed older than its inputs?"


@pytest.mark.slow
def test_a_built_wheel_carries_the_curated_data(tmp_path):
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--quiet",
            "-w",
            tmp_path / "dist",
            ROOT,
        ],
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stderr
    wheel = next((tmp_path / "dist").glob("sahel_nb-*.whl"))
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--quiet", "--target", target, wheel],
        check=True,
    )
    # The wheel's copy comes first on the path, and we run from elsewhere.
    probe = (
        "import sahel_nb; from pathlib import Path; "
        "print(Path(sahel_nb.__file__).parent); print(sahel_nb.curated_data_dir()); "
        "print(sahel_nb.load_dataset())"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("SAHEL_NB_DATA", None)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert done.returncode == 0, done.stderr
    package, data, dataset = done.stdout.splitlines()
    assert Path(package).is_relative_to(target)
    assert data == str(target / "sahel_nb" / "_data")
    from sahel_nb import load_dataset

    assert dataset == repr(load_dataset())  # the same curated tables as the clone's


def test_the_sahel_nb_kernel_runs_this_environment_with_a_fixed_hash_seed():
    jupyter = Path(sys.executable).parent / "jupyter"
    if not jupyter.exists():
        pytest.skip("jupyter is not installed beside this Python")
    listed = subprocess.run(
        [jupyter, "kernelspec", "list", "--json"], capture_output=True, text=True, check=True
    )
    spec = json.loads(listed.stdout)["kernelspecs"].get("sahel-nb")
    assert spec, "run `make venv`: the sahel-nb kernel is not registered"
    kernel = spec["spec"]
    assert Path(kernel["argv"][0]).resolve() == Path(sys.executable).resolve()
    # nbval compares outputs; set-ordered ones must not move between runs.
    assert kernel["env"]["PYTHONHASHSEED"] == "0"
    assert kernel["env"]["MIMALLOC_ALLOW_THP"] == "0"  # steady load times (see Makefile)

"""Tests for sahel_nb.runfolders: the folder of published runs."""

from __future__ import annotations

import pytest

from sahel_nb.runfolders import prune, publish_latest


def _runs(out, *names):
    for name in names:
        (out / name).mkdir()
        (out / name / "index.html").write_text(name, encoding="utf-8")
        (out / name / "manifest.json").write_text("{}", encoding="utf-8")


def _left(out):
    return sorted(p.name for p in out.iterdir() if p.is_dir() and not p.is_symlink())


@pytest.mark.parametrize("keep", [1, 2, 3])
def test_prune_leaves_keep_runs_latest_among_them(tmp_path, keep):
    names = [f"2026120{day}T000000Z-1-abcd" for day in range(1, 6)]
    _runs(tmp_path, *names)
    publish_latest(tmp_path, names[-1])
    removed = prune(tmp_path, keep)
    assert _left(tmp_path) == names[-keep:]
    assert sorted(removed) == names[:-keep]


@pytest.mark.parametrize("keep", [1, 2])
def test_prune_counts_latest_when_an_older_run_was_published_last(tmp_path, keep):
    # A run started earlier (an older id) finished after a newer one: it is latest.
    older, newer, oldest = (
        "20261202T000000Z-1-aaaa",
        "20261203T000000Z-2-bbbb",
        "20261201T000000Z-3-cccc",
    )
    _runs(tmp_path, oldest, older, newer)
    publish_latest(tmp_path, older)
    prune(tmp_path, keep)
    left = _left(tmp_path)
    assert len(left) == keep and older in left
    assert (tmp_path / "latest" / "index.html").read_text(encoding="utf-8") == older
    if keep == 2:
        assert newer in left  # the newest other run, not the oldest


def test_prune_leaves_failed_runs_and_build_folders_alone(tmp_path):
    _runs(tmp_path, "20261201T000000Z-1-aaaa", "20261202T000000Z-2-bbbb")
    _runs(tmp_path, "failed-20261203T000000Z-3-cccc", ".building-20261204T000000Z-4-dddd")
    publish_latest(tmp_path, "20261202T000000Z-2-bbbb")
    assert prune(tmp_path, 1) == ["20261201T000000Z-1-aaaa"]
    assert "failed-20261203T000000Z-3-cccc" in _left(tmp_path)
    assert ".building-20261204T000000Z-4-dddd" in _left(tmp_path)


def test_failed_only_prunes_only_older_failed_runs(tmp_path):
    # A nightly run failing for a week: its failed runs are pruned to the newest N,
    # the published ones are left for a run that publishes.
    published = ["20261201T000000Z-1-aaaa", "20261202T000000Z-2-bbbb"]
    failed = [f"failed-2026120{day}T000000Z-9-cccc" for day in range(3, 8)]
    _runs(tmp_path, *published, *failed)
    publish_latest(tmp_path, published[-1])
    removed = prune(tmp_path, 1, failed_only=True)
    assert sorted(removed) == failed[:-1]
    assert _left(tmp_path) == [*published, failed[-1]]

"""sahel_nb._fork: work in a forked child, and the same answer here when the fork fails."""

import os

import pytest

from sahel_nb import _fork
from sahel_nb._fork import Forked

pytestmark = pytest.mark.skipif(not _fork.can_fork(), reason="forks only on Linux")


def _where(value):
    return os.getpid(), value * 2


def test_the_child_does_the_work_and_hands_back_its_result():
    task = Forked(_where, 21)
    assert task.forked
    pid, value = task.result()
    assert value == 42 and pid != os.getpid()


def test_a_refused_fork_means_the_work_is_done_here(monkeypatch):
    def refuse():
        raise OSError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(_fork.os, "fork", refuse)
    task = Forked(_where, 21)
    assert not task.forked
    assert task.result() == (os.getpid(), 42)


def test_a_child_that_dies_means_the_work_is_done_here():
    parent = os.getpid()

    def dies_in_the_child(value):
        if os.getpid() != parent:
            os._exit(3)  # as if killed, or igraph crashed in it
        return _where(value)

    task = Forked(dies_in_the_child, 21)
    assert task.forked
    assert task.result() == (parent, 42)


def test_an_error_in_the_child_is_raised_here_when_the_work_is_redone():
    task = Forked(_where, None)  # None * 2 fails, in the child and then here
    with pytest.raises(TypeError):
        task.result()


def test_without_fork_nothing_is_forked(monkeypatch):
    monkeypatch.setattr(_fork, "can_fork", lambda: False)
    task = Forked(_where, 1)
    assert not task.forked and task.result() == (os.getpid(), 2)

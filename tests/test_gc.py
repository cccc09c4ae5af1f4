"""sahel_nb._gc: the collector is paused for a step and put back as it was."""

import gc

import pytest

from sahel_nb._gc import paused


@pytest.fixture(autouse=True)
def _restore():
    enabled = gc.isenabled()
    yield
    (gc.enable if enabled else gc.disable)()


def test_paused_for_the_step_then_back_on():
    gc.enable()
    with paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_back_on_after_an_error():
    gc.enable()
    with pytest.raises(ValueError), paused():
        raise ValueError("bad data")
    assert gc.isenabled()


def test_nested_steps_leave_it_to_the_outermost_and_never_turn_it_on():
    gc.enable()

    @paused()
    def inner():
        return gc.isenabled()

    with paused():
        assert inner() is False
        assert not gc.isenabled()  # the inner step did not switch it back on
    assert gc.isenabled()
    gc.disable()
    assert inner() is False
    assert not gc.isenabled()  # off before, off after

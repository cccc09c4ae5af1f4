"""Run keys: a run is the same run only when nothing its output depends on changed."""

import shutil
from pathlib import Path

import nbformat

from sahel_nb.runkey import KEY_PARTS, explain, key_parts, run_key

NOTEBOOKS = Path(__file__).parent / "fixtures" / "notebooks"
VALID = Path(__file__).parent / "fixtures" / "valid"


def _parts(notebook, data=VALID, parameters=None, links=None):
    return key_parts(notebook, parameters or {"count": 1}, data, links or {})


def test_the_key_covers_every_part_and_is_stable():
    parts = _parts(NOTEBOOKS / "ok.ipynb")
    assert tuple(parts) == KEY_PARTS
    assert run_key(parts) == run_key(_parts(NOTEBOOKS / "ok.ipynb"))


def test_outputs_do_not_change_the_key_but_a_code_cell_does(tmp_path):
    notebook = Path(shutil.copy(NOTEBOOKS / "ok.ipynb", tmp_path / "ok.ipynb"))
    before = _parts(notebook)
    node = nbformat.read(notebook, as_version=4)
    node.cells[1].outputs = [nbformat.v4.new_output("stream", text="hellohello\n")]
    node.cells[1].execution_count = 7
    nbformat.write(node, notebook)
    assert _parts(notebook) == before  # re-executed in place: the same run
    node.cells[1].source += "\nprint('more')"
    nbformat.write(node, notebook)
    after = _parts(notebook)
    assert after["notebook"] != before["notebook"]
    assert explain(before, after) == "the notebook's cells changed"


def test_data_parameters_and_links_each_change_the_key(tmp_path):
    notebook = NOTEBOOKS / "ok.ipynb"
    before = _parts(notebook)
    data = Path(shutil.copytree(VALID, tmp_path / "data"))
    with open(data / "events.csv", "a", encoding="utf-8") as events:
        events.write("ev-9,2004,Battles,Armed clash,aqim,,,,,,,,,,,A clash.,reported,3,src-a,¶2\n")
    assert explain(before, _parts(notebook, data=data)) == "the data changed"
    assert explain(before, _parts(notebook, parameters={"count": 2})) == "its parameters changed"
    changed = _parts(notebook, links={"AQIM": "../profile_aqim/profile_aqim.html"})
    assert explain(before, changed) == "the set of actor profile pages changed"
    assert explain(None, before) == "no earlier published run of this name"

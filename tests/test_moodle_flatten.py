"""PHP-style flattening, checked against the nested parameters of real exchanges."""
import re

import pytest
import responses
from fixtures.contract import SITE, TOKEN, Contract, form_fields, make_client

from bridge.moodle.flatten import flatten_params

contract = Contract.or_skip()
NESTED = contract.where(lambda ex: any("[" in key for key in ex["params"]))


def unflatten(fields: dict[str, str]) -> dict:
    """Rebuild PHP's nested arrays from ``a[0][b]`` keys (numeric keys become lists)."""
    root: dict = {}
    for key, value in fields.items():
        parts = [key.split("[", 1)[0]] + re.findall(r"\[([^]]*)\]", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def listify(node):
        if not isinstance(node, dict):
            return node
        node = {k: listify(v) for k, v in node.items()}
        if node and all(k.isdigit() for k in node) and sorted(map(int, node)) == list(range(len(node))):
            return [node[str(i)] for i in range(len(node))]
        return node

    return listify(root)


def test_scalars_and_booleans():
    assert flatten_params({"a": 1, "b": True, "c": False, "d": "x y", "e": None, "f": 2.0}) == [
        ("a", "1"), ("b", "1"), ("c", "0"), ("d", "x y"), ("f", "2")]


def test_nested_lists_and_dicts_keep_order():
    params = {"courses": [{"fullname": "A", "options": [{"name": "n", "value": 3}]}, {"fullname": "B"}],
              "ids": (7, 8), "empty": []}
    assert flatten_params(params) == [
        ("courses[0][fullname]", "A"), ("courses[0][options][0][name]", "n"),
        ("courses[0][options][0][value]", "3"), ("courses[1][fullname]", "B"),
        ("ids[0]", "7"), ("ids[1]", "8")]


def test_contract_has_nested_exchanges():
    assert len(NESTED) >= 8  # create/update courses, categories, delete modules…


@pytest.mark.parametrize("name", NESTED)
def test_flattening_reproduces_recorded_params(name):
    recorded = {k: v for k, v in contract.load(name)["params"].items()
                if k not in ("wstoken", "wsfunction", "moodlewsrestformat")}
    assert flatten_params(unflatten(recorded)) == list(recorded.items())


@responses.activate
def test_create_course_sends_exactly_the_recorded_fields():
    contract.register(responses.mock, "05", site=SITE, token=TOKEN, match_params=True)
    client = make_client()
    course = client.create_course("CB-20261128233018", "CertBridge Course 20261128233018", 2,
                                  idnumber="cb-course-20261128233018", numsections=3,
                                  summary="<p>Course created through REST</p>")
    assert course == {"id": 2, "shortname": "CB-20261128233018"}
    sent = form_fields(responses.calls[0].request)
    assert sent["courses[0][visible]"] == "1"
    assert list(sent)[:3] == ["wstoken", "wsfunction", "moodlewsrestformat"]


@responses.activate
def test_create_category_and_categories_by_id_send_the_recorded_fields():
    contract.register(responses.mock, "03", site=SITE, token=TOKEN, match_params=True)
    contract.register(responses.mock, "04", site=SITE, token=TOKEN, match_params=True)
    client = make_client()
    created = client.create_category("CertBridge Test Category 20261128233018", idnumber="cb-cat-20261128233018",
                                      description="<p>Created by capture_contract.py</p>")
    assert created["id"] == 2
    assert client.get_categories(id=2)[0]["idnumber"] == "cb-cat-20261128233018"

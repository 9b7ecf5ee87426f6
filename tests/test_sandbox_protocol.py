"""PHP-style form decoding and Moodle's parameter validation, with its debuginfo texts."""
from __future__ import annotations

import pytest

from bridge.sandbox.errors import WSError
from bridge.sandbox.protocol import DEFAULT, INT, OPTIONAL, RAW, TEXT, BOOL, Multiple, Single, unflatten, validate

COURSES = Single({"courses": Multiple(Single({"fullname": TEXT(), "shortname": TEXT(), "categoryid": INT(),
                                              "idnumber": RAW(OPTIONAL), "visible": INT(DEFAULT, 1)}))})


def debuginfo(desc, params) -> str:
    with pytest.raises(WSError) as info:
        validate(desc, params)
    assert info.value.errorcode == "invalidparameter"
    assert info.value.message == "Invalid parameter value detected"
    return info.value.debuginfo


def test_unflatten_builds_nested_structures_in_order():
    pairs = [("courses[0][fullname]", "A"), ("courses[0][courseformatoptions][0][name]", "numsections"),
             ("courses[1][fullname]", "B"), ("ids[]", "7"), ("ids[]", "8"), ("plain", "x")]
    assert unflatten(pairs) == {
        "courses": {"0": {"fullname": "A", "courseformatoptions": {"0": {"name": "numsections"}}},
                    "1": {"fullname": "B"}},
        "ids": {"0": "7", "1": "8"}, "plain": "x"}


def test_valid_params_are_cleaned_with_defaults():
    params = unflatten([("courses[0][fullname]", "F"), ("courses[0][shortname]", "S"),
                        ("courses[0][categoryid]", "2")])
    assert validate(COURSES, params) == {"courses": [{"fullname": "F", "shortname": "S", "categoryid": 2,
                                                      "visible": 1}]}


def test_missing_top_level_key():
    assert debuginfo(Single({"courseid": INT()}), {}) == "Missing required key in single structure: courseid"


def test_missing_nested_key_names_the_path():
    params = unflatten([("courses[0][shortname]", "S"), ("courses[0][categoryid]", "2")])
    assert debuginfo(COURSES, params) == (
        "courses => Invalid parameter value detected: Missing required key in single structure: fullname")


@pytest.mark.parametrize("value", ["abc", "1.5", "007", " 7", "", "1e3"])
def test_int_must_be_exactly_an_integer(value):
    assert debuginfo(Single({"courseid": INT()}), {"courseid": value}) == (
        f'courseid => Invalid parameter value detected: Invalid external api parameter: the value is "{value}", '
        'the server was expecting "int" type')


def test_unexpected_keys_are_refused():
    assert debuginfo(Single({"courseid": INT()}), {"courseid": "2", "bogus": "1", "other": "x"}) == (
        "Unexpected keys (bogus, other) detected in parameter array.")


def test_bool_accepts_only_0_and_1():
    desc = Single({"flag": BOOL()})
    assert validate(desc, {"flag": "1"}) == {"flag": True}
    assert validate(desc, {"flag": "0"}) == {"flag": False}
    assert "expecting \"bool\"" in debuginfo(desc, {"flag": "true"})


def test_text_refuses_tags_raw_keeps_them():
    assert "expecting \"text\"" in debuginfo(Single({"name": TEXT()}), {"name": "<b>x</b>"})
    assert validate(Single({"s": RAW()}), {"s": "<p>x</p>"}) == {"s": "<p>x</p>"}


def test_scalar_where_list_expected_and_list_where_scalar_expected():
    assert debuginfo(Single({"ids": Multiple(INT())}), {"ids": "5"}).startswith(
        "ids => Invalid parameter value detected: Only arrays accepted.")
    assert debuginfo(Single({"id": INT()}), {"id": {"0": "1"}}) == (
        "id => Invalid parameter value detected: Scalar type expected, array or object received.")

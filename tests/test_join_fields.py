"""Questions at the door: CONFIG validation, language answers, and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.factories import CONFIG
from worldcafe.services.cafe_config import parse_cafe_spec
from worldcafe.services.errors import InvalidInput
from worldcafe.services.join_fields import (
    JoinField,
    answer_counts,
    answers_from_form,
    clean_answers,
    parse_join_fields,
    parse_languages,
)

FIELDS = [
    {"key": "city", "label": "Your city", "mix": True},
    {"key": "languages", "label": "Languages you speak", "kind": "languages"},
]


def test_config_join_fields_are_parsed_with_their_settings() -> None:
    spec = parse_cafe_spec({**CONFIG, "join_fields": FIELDS})
    assert spec.join_fields == [
        JoinField("city", "Your city", mix=True),
        JoinField("languages", "Languages you speak", kind="languages"),
    ]
    assert [f.to_dict() for f in spec.join_fields] == FIELDS
    assert parse_cafe_spec(CONFIG).join_fields == []


@pytest.mark.parametrize(
    ("join_fields", "message"),
    [
        ({"key": "city"}, "must be a list"),
        (["city"], "Join field 1 must be an object"),
        ([{"key": "city"}], "Join field 1 label must not be empty"),
        ([{"key": "City!", "label": "x"}], "Join field 1 key must be lower-case"),
        ([{"key": "c", "label": "x", "kind": "number"}], "kind must be one of: text, languages"),
        ([{"key": "c", "label": "x", "mix": "yes"}], "mix must be true or false"),
        ([{"key": "c", "label": "x", "colour": 1}], "unknown setting: colour"),
        ([{"key": "c", "label": "x"}, {"key": "c", "label": "y"}], "same key"),
        ([{"key": "l", "label": "x", "kind": "languages", "mix": True}], "cannot be mixed"),
        (
            [
                {"key": "a", "label": "x", "kind": "languages"},
                {"key": "b", "label": "y", "kind": "languages"},
            ],
            "at most one languages field",
        ),
        ([{"key": "languages", "label": "x"}], "kept for a languages field"),
        ([{"key": f"k{i}", "label": "x"} for i in range(9)], "at most 8 join fields"),
    ],
)
def test_bad_join_fields_are_refused_with_a_clear_message(join_fields: Any, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        parse_join_fields(join_fields)


def test_a_missing_key_is_made_from_the_label() -> None:
    assert parse_join_fields([{"label": "Your home country"}])[0].key == "your_home_country"


def test_languages_are_read_from_codes_and_names_in_several_languages() -> None:
    assert parse_languages("German, en; Français / polski") == ["de", "en", "fr", "pl"]
    assert parse_languages(["de", "Deutsch", "Catalan"]) == ["de", "ca"]
    assert parse_languages("") == []
    with pytest.raises(InvalidInput, match="no language is called 'Klingonish'"):
        parse_languages("Klingonish")


def test_answers_are_optional_cleaned_and_limited() -> None:
    fields = parse_join_fields(FIELDS)
    assert clean_answers(fields, {}) == {}
    form = {"field-city": ["  Leipzig "], "field-languages": ["de"], "field-languages-other": [""]}
    assert answers_from_form(fields, form) == {"city": "Leipzig", "languages": ["de"]}
    both = {"field-languages": ["de", "en"], "field-languages-other": ["Italian, de"]}
    assert answers_from_form(fields, both) == {"languages": ["de", "en", "it"]}
    with pytest.raises(InvalidInput, match="Your city is too long"):
        clean_answers(fields, {"city": "x" * 101})


def test_answer_counts_count_each_language_of_each_person() -> None:
    fields = parse_join_fields(FIELDS)
    answers = [{"city": "Lyon", "languages": ["fr", "en"]}, {"city": "Lyon"}, None]
    assert answer_counts(fields, answers) == {
        "city": {"Lyon": 2},
        "languages": {"en": 1, "fr": 1},
    }


def test_create_cafe_refuses_bad_join_fields_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "cafe.json"
    config.write_text(json.dumps({**CONFIG, "join_fields": [{"key": "c", "label": ""}]}))
    env = {"WORLDCAFE_INSTANCE_PATH": str(tmp_path / "instance"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [sys.executable, "-m", "worldcafe.cli", "create-cafe", str(config)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.strip().count("\n") == 0
    assert "Join field 1 label must not be empty" in result.stderr

"""The figures protocol: the apps fill the registry in their ready(), every registered indicator
is answered by the engine through its source, and specs are built and named only through it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from binhyen import factories as f
from binhyen.core.periods import parse_period
from binhyen.figures import registry
from binhyen.reporting.rollup import rollup


def test_the_apps_register_their_indicators_and_cubes():
    codes = {i.code for i in registry.all_indicators()}
    assert {"activity.sessions", "units.reporting"} <= codes  # activities' ready()
    assert {"groups.active", "cameras.working"} <= codes  # groups' ready()
    assert {"units.count", "units.outreach_share"} <= codes  # reporting's ready()
    assert [c.name for c in registry.cubes()] == ["activities", "groups"]
    for ind in registry.all_indicators():
        if ind.kind == registry.RATIO:
            assert ind.source is None and registry.get(
                registry.parse(ind.numerator, resolve=False).indicator.code
            )
        else:
            assert ind.source is not None, ind.code
            assert ind.records.count(".") == 1, ind.code  # a model label, for the figure scope


def test_labels_and_units_are_in_the_readers_language():
    sessions = registry.get("activity.sessions")
    with translation.override("vi"):
        assert str(sessions.label) == "Số cuộc, buổi"
    every = registry.all_indicators()
    with translation.override("vi"):
        vietnamese = {i.code: (str(i.label), str(i.unit)) for i in every}
    with translation.override("en"):
        english = {i.code: (str(i.label), str(i.unit)) for i in every}
        assert str(registry.get("groups.active").label) == "Active groups"
    untranslated = [code for code in vietnamese if vietnamese[code][0] == english[code][0]]
    assert untranslated == []


def test_with_filter_adds_replaces_and_removes_filters():
    assert (
        registry.with_filter("activity.sessions", document=12) == "activity.sessions[document=12]"
    )
    assert (
        registry.with_filter("activity.sessions[kind=tuyen_truyen]", document=12)
        == "activity.sessions[kind=tuyen_truyen;document=12]"
    )
    assert (
        registry.with_filter("activity.sessions[document=3]", document=12)
        == "activity.sessions[document=12]"
    )
    assert (
        registry.with_filter("activity.sessions[document=3]", document=None) == "activity.sessions"
    )
    with pytest.raises(ValidationError):
        registry.with_filter("activity.sessions[kind]", document=1)


def test_indicator_of_finds_the_indicator_of_a_spec():
    assert registry.indicator_of("activity.sessions[kind=tuyen_truyen]").code == "activity.sessions"
    assert registry.indicator_of("nothing.here") is None
    assert registry.indicator_of("not a spec") is None


@pytest.mark.django_db
def test_label_names_the_filters_and_keeps_an_unknown_spec():
    with translation.override("vi"):
        assert (
            registry.label("activity.sessions[kind=tuyen_truyen]") == "Số cuộc, buổi (Tuyên truyền)"
        )
        assert registry.label("old.indicator[kind=x]") == "old.indicator[kind=x]"


@pytest.mark.django_db
def test_every_registered_indicator_is_answered_by_the_engine(tree):
    f.activity(tree["cs1"], kind="tuyen_truyen")
    every = [i.code for i in registry.all_indicators()]
    for by in ("child", "month", "none"):
        result = rollup(tree["hcm"], parse_period("2022"), every, by=by)
        assert set(result["total"]) == set(every), by

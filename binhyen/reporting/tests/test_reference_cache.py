"""The registry's reference-code lookups are cached per process and forgotten on change."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from binhyen.activities.models import ActivityKind, Topic
from binhyen.figures import registry


@pytest.fixture(autouse=True)
def cold_cache(db):
    registry.clear_reference_cache()
    yield
    registry.clear_reference_cache()


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        result = fn()
    return result, len(ctx)


def test_a_reference_table_is_read_once_for_every_code_and_label():
    spec = "activity.sessions[kind=tuyen_truyen;audience=can_bo_cong_doan]"
    (request, first) = queries(lambda: registry.parse(spec))
    assert first == 2  # the kinds and the audiences, each read whole
    label, n = queries(lambda: registry.parse(spec).label)
    assert n == 0 and "Tuyên truyền" in label
    other, n = queries(
        lambda: registry.parse_list(
            ["activity.attendances[kind=hoi_nghi]", "activity.leaflets[kind=khac]"]
        )
    )
    assert n == 0 and [r.filter_ids()["kind"][1] for r in other] == list(
        ActivityKind.objects.filter(code__in=["hoi_nghi", "khac"])
        .order_by("code")
        .values_list("pk", flat=True)
    )
    assert request.filter_ids()["kind"][1] == ActivityKind.objects.get(code="tuyen_truyen").pk


def test_a_row_added_renamed_or_deleted_is_seen_at_once():
    registry.parse("activity.sessions[topic=ma_tuy]")
    topic = Topic.objects.create(code="an_ninh_mang", name="An ninh mạng")
    assert (
        registry.parse("activity.sessions[topic=an_ninh_mang]").filter_ids()["topic"][1] == topic.pk
    )
    topic.name = "An ninh mạng, lừa đảo trực tuyến"
    topic.save()
    assert (
        registry.parse("activity.sessions[topic=an_ninh_mang]").label
        == "Số cuộc, buổi (An ninh mạng, lừa đảo trực tuyến)"
    )
    topic.delete()
    with pytest.raises(ValidationError) as exc:
        registry.parse("activity.sessions[topic=an_ninh_mang]")
    assert "Không có mã “an_ninh_mang”" in str(exc.value)


def test_a_row_written_behind_the_caches_back_is_found_on_a_miss():
    """Another process (no signal here) adds a code: the first miss reads the table again."""
    registry.parse("activity.sessions[topic=ma_tuy]")
    Topic.objects.bulk_create(
        [Topic(code="lua_dao", name="Lừa đảo")]
    )  # bulk_create sends no signal
    request, n = queries(lambda: registry.parse("activity.sessions[topic=lua_dao]"))
    assert n == 1 and request.filter_ids()["topic"][1] == Topic.objects.get(code="lua_dao").pk
    with pytest.raises(ValidationError):
        registry.parse("activity.sessions[topic=khong_co]")


def test_another_process_clearing_the_shared_stamp_makes_this_one_reload(monkeypatch):
    registry.parse("activity.sessions[topic=ma_tuy]")
    Topic.objects.filter(code="ma_tuy").update(name="Ma túy (đổi tên nơi khác)")  # no signal
    from django.core.cache import cache

    cache.set(registry._STAMP_KEY, "changed elsewhere", None)
    monkeypatch.setattr(registry, "_STAMP_EVERY", -1.0)  # as if a second had passed
    assert (
        registry.parse("activity.sessions[topic=ma_tuy]").label
        == "Số cuộc, buổi (Ma túy (đổi tên nơi khác))"
    )

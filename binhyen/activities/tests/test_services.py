"""Recording, editing and deleting one activity: scope, the clerk's checks, history, soft delete."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from binhyen import factories as f
from binhyen.activities import services
from binhyen.activities.models import (
    Activity,
    ActivityKind,
    Attachment,
    Audience,
    Topic,
    quick_fold,
)
from binhyen.core import locks, periods
from binhyen.core.text import fold


def kind(code):
    return ActivityKind.objects.get(code=code)


def fields(unit, **changes):
    base = dict(
        unit=unit,
        date=datetime.date(2022, 3, 15),
        kind=kind("tuyen_truyen"),
        title="Tuyên truyền phòng, chống tín dụng đen",
        topics=list(Topic.objects.filter(code="tin_dung_den")),
        audiences=list(Audience.objects.filter(code="cnvcld")),
        sessions=2,
        attendances=150,
    )
    base.update(changes)
    return base


def errors_of(call):
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.message_dict


def test_record_writes_activity_history_and_cube(people, tree):
    from binhyen.core.periods import parse_period
    from binhyen.reporting.rollup import rollup

    user = people["cs1_editor"]
    activity = services.record_activity(user, **fields(tree["cs1"], place="Nhà ăn ca 2"))
    assert activity.created_by == user
    assert activity.search_text == "tuyen truyen phong, chong tin dung den nha an ca 2"
    record = activity.history.get()
    assert (record.history_type, record.history_user) == ("+", user)
    # the history record holds the topics and audiences chosen, as the activity's own rows do
    assert list(record.topics.values_list("topic__code", flat=True)) == ["tin_dung_den"]
    assert list(record.audiences.values_list("audience__code", flat=True)) == ["cnvcld"]
    assert list(activity.topics.values_list("code", flat=True)) == ["tin_dung_den"]
    data = rollup(tree["hcm"], parse_period("2022"), ["activity.sessions"], by="none")
    assert data["total"]["activity.sessions"] == 2


def test_recording_is_a_short_fixed_series_of_statements(
    people, tree, django_assert_max_num_queries
):
    """Recording is what officers do most: scope, twin and lock checks, the row, its links,
    one history record with its links, one cube upsert — whatever the tree's size (the speed
    target is measured in bench/rollup.py)."""
    user = people["cs1_editor"]
    given = fields(tree["cs1"], title="Lần 1")
    with django_assert_max_num_queries(13):
        services.record_activity(user, **given)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        (dict(attendances=-1), "attendances", "Số lượt người phải là số nguyên không âm."),
        (dict(sessions=0), "sessions", "Hoạt động đã tổ chức phải có ít nhất 1 cuộc/buổi."),
        (dict(leaflets=-2), "leaflets", "Số tờ rơi phải là số nguyên không âm."),
        (dict(date=periods.today() + datetime.timedelta(days=1)), "date", "ở tương lai"),
        (
            dict(end_date=datetime.date(2022, 3, 1)),
            "end_date",
            "không được trước ngày bắt đầu (15/03/2022)",
        ),
        (dict(title="  "), "title", "Hãy nhập tên hoạt động."),
        (dict(topics=[]), "topics", "Hãy chọn ít nhất một chủ đề."),
        (dict(audiences=[]), "audiences", "Hãy chọn ít nhất một đối tượng."),
        (dict(kind=None), "kind", "Hãy chọn loại hoạt động."),
        (dict(date=datetime.date(2010, 1, 1)), "date", "chỉ được thành lập từ ngày 01/01/2015"),
    ],
)
def test_clerk_checks_name_the_field(people, tree, changes, field, message):
    if changes.get("kind", "") is None:
        changes["kind"] = None
    errors = errors_of(
        lambda: services.record_activity(people["cs1_editor"], **fields(tree["cs1"], **changes))
    )
    assert message in " ".join(errors[field]), errors
    assert Activity.all_objects.count() == 0


def test_leaflet_drive_needs_leaflets_not_sessions(people, tree):
    errors = errors_of(
        lambda: services.record_activity(
            people["cs1_editor"], **fields(tree["cs1"], kind=kind("to_roi"), sessions=0)
        )
    )
    assert errors["leaflets"] == ["Hoạt động phát tờ rơi phải có số tờ rơi đã phát (lớn hơn 0)."]
    a = services.record_activity(
        people["cs1_editor"], **fields(tree["cs1"], kind=kind("to_roi"), sessions=0, leaflets=800)
    )
    assert a.leaflets == 800


def test_inactive_reference_items_are_refused(people, tree):
    Topic.objects.filter(code="khac").update(active=False)
    errors = errors_of(
        lambda: services.record_activity(
            people["cs1_editor"],
            **fields(tree["cs1"], topics=list(Topic.objects.filter(code="khac"))),
        )
    )
    assert errors["topics"] == ["'Khác' đã ngừng sử dụng."]


def test_unit_outside_edit_scope(people, tree):
    for user, unit in ((people["cs1_editor"], tree["mt"]), (people["hcm_viewer"], tree["cs1"])):
        errors = errors_of(lambda u=user, t=unit: services.record_activity(u, **fields(t)))
        assert errors["unit"] == [
            "Đơn vị không tồn tại hoặc bạn không được nhập liệu cho đơn vị này."
        ]
    assert Activity.all_objects.count() == 0


def test_same_key_twice_is_refused(people, tree):
    first = services.record_activity(people["cs1_editor"], **fields(tree["cs1"]))
    errors = errors_of(
        lambda: services.record_activity(
            people["cs1_editor"],
            **fields(tree["cs1"], title="TUYÊN TRUYỀN phòng, chống  tín dụng đen"),
        )
    )
    assert (
        f"Đã có hoạt động này (cùng đơn vị, ngày, loại hoạt động và tên, mã số {first.pk})"
        in errors["title"][0]
    )


def test_update_keeps_history_and_moves_the_cube(people, tree):
    from binhyen.core.periods import parse_period
    from binhyen.reporting.rollup import rollup

    user = people["hcm_editor"]
    a = services.record_activity(user, **fields(tree["cs1"]))
    services.update_activity(
        user,
        a,
        attendances=90,
        unit=tree["q9"],
        topics=list(Topic.objects.filter(code__in=["ma_tuy", "pccc"])),
    )
    a.refresh_from_db()
    assert a.attendances == 90 and a.unit == tree["q9"]
    assert sorted(a.topics.values_list("code", flat=True)) == ["ma_tuy", "pccc"]
    old, new = a.history.order_by("history_id")
    assert (old.attendances, new.attendances, new.history_type, new.history_user) == (
        150,
        90,
        "~",
        user,
    )
    by = rollup(tree["hcm"], parse_period("2022"), ["activity.attendances"], by="none")
    assert by["total"]["activity.attendances"] == 90


def test_update_checks_scope_and_rules(people, tree):
    a = services.record_activity(people["hcm_editor"], **fields(tree["cs1"]))
    assert "unit" in errors_of(
        lambda: services.update_activity(people["mt_editor"], a, attendances=1)
    )
    assert "unit" in errors_of(
        lambda: services.update_activity(people["cs1_editor"], a, unit=tree["mt"])
    )
    assert "attendances" in errors_of(
        lambda: services.update_activity(people["cs1_editor"], a, attendances=-4)
    )
    a.refresh_from_db()
    assert a.attendances == 150 and a.unit == tree["cs1"]


def test_soft_delete(people, tree):
    user = people["cs1_editor"]
    a = services.record_activity(user, **fields(tree["cs1"]))
    services.delete_activity(user, a)
    assert not Activity.objects.filter(pk=a.pk).exists()
    gone = Activity.all_objects.get(pk=a.pk)
    assert gone.deleted_by == user and gone.is_deleted
    assert gone.history.latest().history_type == "~"
    assert not Activity.objects.visible_to(user).exists()
    # The same activity may be recorded again once the old one is deleted.
    services.record_activity(user, **fields(tree["cs1"]))
    assert Activity.objects.count() == 1


def test_visible_and_editable_scope(people, tree):
    here = f.activity(tree["cs1"])
    there = f.activity(tree["mt"])
    assert set(Activity.objects.visible_to(people["hcm_viewer"])) == {here}
    assert set(Activity.objects.editable_by(people["hcm_viewer"])) == set()
    assert set(Activity.objects.visible_to(people["mt_editor"])) == {there}
    assert set(Activity.objects.editable_by(people["cs1_editor"])) == {here}


def test_locked_day_refuses_every_write(people, tree):
    user = people["cs1_editor"]
    a = services.record_activity(user, **fields(tree["cs1"]))

    def checker(unit, day):
        return "Báo cáo 6 tháng đầu năm 2022" if day <= datetime.date(2022, 6, 30) else None

    locks.register(checker)
    try:
        message = "đã bị khóa vì Báo cáo 6 tháng đầu năm 2022 đã được phê duyệt."
        assert (
            message
            in errors_of(
                lambda: services.record_activity(user, **fields(tree["cs1"], title="Mới"))
            )["date"][0]
        )
        assert (
            message
            in errors_of(lambda: services.update_activity(user, a, attendances=1))["date"][0]
        )
        assert message in errors_of(lambda: services.delete_activity(user, a))["date"][0]
        assert (
            message
            in errors_of(
                lambda: services.record_activity(
                    user,
                    **fields(
                        tree["cs1"],
                        title="Kéo dài",
                        date=datetime.date(2022, 6, 1),
                        end_date=datetime.date(2022, 7, 2),
                    ),
                )
            )["date"][0]
        )
        services.record_activity(
            user, **fields(tree["cs1"], title="Sau kỳ khóa", date=datetime.date(2022, 7, 5))
        )
    finally:
        locks.unregister(checker)
    assert Activity.objects.count() == 2
    services.update_activity(user, a, attendances=1)


def test_lock_registry_many_and_single(tree):
    calls = []

    def single(unit, day):
        calls.append(day)
        return "Báo cáo A" if day.month == 1 else None

    def many(pairs):
        return {p: "Báo cáo B" for p in pairs if p[1].month == 2}

    single_many = type(
        "Checker", (), {"__call__": lambda self, u, d: None, "many": staticmethod(many)}
    )()
    others = locks.registered()  # other apps' checkers (approved reports) stay registered
    locks.register(single)
    locks.register(single)  # idempotent
    locks.register(single_many)
    try:
        assert locks.registered() == (*others, single, single_many)
        assert locks.locked_by(tree["cs1"], datetime.date(2022, 1, 5)) == "Báo cáo A"
        assert locks.locked_by(tree["cs1"], datetime.date(2022, 3, 5)) is None
        pairs = [(tree["cs1"].pk, datetime.date(2022, m, 1)) for m in (1, 2, 3)]
        found = locks.locked_pairs({tree["cs1"].pk: tree["cs1"]}, pairs)
        assert found == {pairs[0]: "Báo cáo A", pairs[1]: "Báo cáo B"}
        with pytest.raises(ValidationError) as caught:
            locks.check_unlocked(tree["cs1"], datetime.date(2022, 1, 5), field="end_date")
        assert "Báo cáo A" in caught.value.message_dict["end_date"][0]
    finally:
        locks.unregister(single)
        locks.unregister(single_many)
    assert locks.registered() == others
    locks.check_unlocked(tree["cs1"], datetime.date(2022, 1, 5))


# --- attachments ------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 100


def test_attachments_are_type_checked_and_size_limited(people, tree, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    user = people["cs1_editor"]
    a = services.record_activity(
        user, **fields(tree["cs1"]), files=[SimpleUploadedFile("anh.png", PNG)]
    )
    att = a.attachments.get()
    assert (att.name, att.content_type, att.size) == ("anh.png", "image/png", len(PNG))
    cases = [
        (SimpleUploadedFile("virus.exe", b"MZ" + b"\0" * 10), "chỉ nhận ảnh (JPG, PNG, WEBP), PDF"),
        (SimpleUploadedFile("anh.jpg", b"not really a jpeg"), "không phải là ảnh JPG thật"),
        (SimpleUploadedFile("rong.pdf", b""), "rỗng"),
    ]
    for upload, message in cases:
        errors = errors_of(
            lambda u=upload: services.update_activity(user, a, files=[u], attendances=7)
        )
        assert message in errors["files"][0]
    settings.ACTIVITY_ATTACHMENT_MAX_MB = 1
    big = SimpleUploadedFile("to.pdf", b"%PDF-" + b"0" * (1024 * 1024 + 1))
    assert (
        "quá lớn (1.0 MB); tối đa 1 MB"
        in errors_of(lambda: services.update_activity(user, a, files=[big]))["files"][0]
    )
    a.refresh_from_db()
    assert a.attendances == 150 and Attachment.objects.count() == 1
    services.update_activity(user, a, remove_attachments=[att.pk])
    assert Attachment.objects.get().removed_at is not None


def test_quick_fold_equals_fold():
    for text in [
        "Tuyên truyền PHÒNG, chống  tội phạm\tĐÀ NẴNG ",
        "Tổ tự quản",
        "e\u0301 x",
        "Ǆ ﬁ ΟΣ",
        "",
    ]:
        assert quick_fold(text) == fold(text)

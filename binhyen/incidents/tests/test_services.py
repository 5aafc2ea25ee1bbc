"""The incident and tip workflow as officers meet it: opening a case (and what bad input
gets), who may move it where, police confirmations, deadlines and overdue marking, a tip
turned into a case, and the sealed identity of a tip's sender."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from binhyen import factories as f
from binhyen.incidents import services
from binhyen.incidents.models import Action, ActionKind, Incident, State, Stoppage, Tip
from binhyen.org import services as org_services
from binhyen.org.scoping import Role

NOW = timezone.now


@pytest.fixture
def world(db):
    gt = f.group_tree()
    linh_xuan, tan_thuan = f.area("26794"), f.area("27478")
    firm = f.enterprise(gt["cs"], ward=linh_xuan, workforce=2400, union=gt["cs"])
    people = {
        "cs_editor": f.user("cs-editor", Role.EDITOR, gt["cs"]),
        "cs_approver": f.user("cs-approver", Role.APPROVER, gt["cs"]),
        "province": f.user("hcm-viewer", Role.VIEWER, gt["hcm"]),
        "mytho": f.user("mt-editor", Role.EDITOR, gt["mt"]),
        "police": f.user("police-lx", Role.POLICE, gt["hcm"], wards=[linh_xuan]),
        "police_other": f.user("police-tt", Role.POLICE, gt["hcm"], wards=[tan_thuan]),
        "sealer": f.user("identity", Role.VIEWER, gt["hcm"]),
        "identity_alone": f.user("identity-alone", Role.IDENTITY, gt["hcm"]),
        "admin": f.user("hcm-admin", Role.ADMIN, gt["hcm"]),
    }
    org_services.assign_role(f.superuser(), people["sealer"], gt["hcm"], Role.IDENTITY)
    return dict(gt, firm=firm, linh_xuan=linh_xuan, tan_thuan=tan_thuan, **people)


def stoppage(w, actor=None, **kw):
    kw.setdefault("started_at", NOW() - datetime.timedelta(hours=3))
    kw.setdefault("enterprise", w["firm"])
    return f.incident(
        w["cs"],
        "ngung_viec",
        actor=actor or w["cs_editor"],
        title=kw.pop("title", "Ngừng việc đòi tăng lương"),
        stoppage=kw.pop("stoppage", {"workers_involved": 600, "causes": ["tien_luong", "thuong"]}),
        **kw,
    )


def errors_of(call):
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


# ---------------------------------------------------------------- opening a case


def test_a_grassroots_stoppage_gets_its_code_deadlines_file_and_first_step(world):
    case = stoppage(world)
    case.refresh_from_db()
    assert case.code == f"VV-{timezone.localtime(case.started_at).year}-{case.pk:06d}"
    assert case.state == State.RECEIVED
    assert case.ward == world["linh_xuan"]  # the enterprise's ward
    assert case.rapid_report_due == case.started_at + datetime.timedelta(hours=24)
    assert case.resolve_due == case.started_at + datetime.timedelta(days=15)
    file = case.stoppage
    assert (file.workers_involved, file.workforce) == (600, 2400)  # workforce from the firm
    assert file.share == 0.25
    assert file.worker_days == 600  # one day so far
    assert sorted(c.code for c in file.causes.all()) == ["thuong", "tien_luong"]
    steps = list(case.actions.all())
    assert [(s.kind, s.state_to) for s in steps] == [(ActionKind.NOTE, State.RECEIVED)]
    assert steps[0].actor == world["cs_editor"]


def test_worker_days_run_to_the_day_before_work_resumed(world):
    start = timezone.make_aware(datetime.datetime(2024, 3, 4, 7, 30))
    case = stoppage(
        world,
        started_at=start,
        stoppage={"workers_involved": 500, "resumed_on": datetime.date(2024, 3, 7)},
    )
    assert case.stoppage.worker_days == 1500


def test_every_ancestor_up_to_the_province_and_the_ward_police_see_it_at_once(world):
    case = stoppage(world)
    for who in ("province", "police", "cs_approver", "admin"):
        assert Incident.objects.visible_to(world[who]).filter(pk=case.pk).exists(), who
    for who in ("mytho", "police_other"):
        assert not Incident.objects.visible_to(world[who]).filter(pk=case.pk).exists(), who
    assert not Incident.objects.editable_by(world["police"]).filter(pk=case.pk).exists()


def test_an_end_before_the_start_is_refused_and_nothing_is_saved(world):
    start = NOW() - datetime.timedelta(days=2)
    errors = errors_of(
        lambda: stoppage(world, started_at=start, ended_at=start - datetime.timedelta(hours=1))
    )
    assert errors["ended_at"] == ["Thời điểm kết thúc không được trước thời điểm bắt đầu."]
    assert not Incident.all_objects.exists()


def test_more_workers_than_the_workforce_is_refused_and_nothing_is_saved(world):
    errors = errors_of(lambda: stoppage(world, stoppage={"workers_involved": 2401}))
    assert errors["workers_involved"] == [
        "Số người ngừng việc (2401) không được vượt quá tổng số lao động (2400)."
    ]
    assert not Incident.all_objects.exists()
    assert not Stoppage.objects.exists()


def test_a_stoppage_needs_its_enterprise_and_its_workers(world):
    errors = errors_of(
        lambda: f.incident(
            world["cs"], "ngung_viec", actor=world["cs_editor"], ward=world["linh_xuan"]
        )
    )
    assert "doanh nghiệp" in errors["enterprise"][0]
    errors = errors_of(lambda: stoppage(world, stoppage={"demands": "Tăng lương"}))
    assert errors["workers_involved"] == ["Hãy nhập số người ngừng việc."]
    assert not Incident.all_objects.exists()


def test_the_same_case_twice_is_refused_naming_the_first(world):
    first = stoppage(world)
    errors = errors_of(lambda: stoppage(world, title="Ngừng việc (báo lại)"))
    assert first.code in errors["__all__"][0]
    assert Incident.all_objects.count() == 1


def test_a_tax_code_must_have_10_or_13_digits(world):
    from binhyen.enterprises.services import create_enterprise

    for bad in ("12345", "03012345678", "0301234567-01", "abcdefghij"):
        errors = errors_of(
            lambda bad=bad: create_enterprise(
                f.superuser(),
                unit=world["cs"],
                name="Công ty Sai Mã",
                tax_code=bad,
                ownership="tu_nhan",
                ward=world["linh_xuan"],
            )
        )
        assert "10 chữ số" in errors["tax_code"][0], bad
    ok = create_enterprise(
        f.superuser(),
        unit=world["cs"],
        name="Chi nhánh Công ty Đúng Mã",
        tax_code="0301234567 001",
        ownership="tu_nhan",
        ward=world["linh_xuan"],
    )
    assert ok.tax_code == "0301234567-001"


def test_an_out_of_scope_officer_cannot_open_a_case_for_another_unit(world):
    errors = errors_of(
        lambda: f.incident(world["cs"], "ma_tuy", actor=world["mytho"], ward=world["linh_xuan"])
    )
    assert "phạm vi" in errors["unit"][0]


# ---------------------------------------------------------------- the workflow


def test_editors_move_a_case_along_and_only_an_approver_closes_it(world):
    case = stoppage(world)
    editor, approver = world["cs_editor"], world["cs_approver"]
    services.move_incident(editor, case, State.VERIFYING, what="Đã xác minh tại công ty.")
    services.move_incident(editor, case, State.HANDLING, what="Tổ chức đối thoại.")
    errors = errors_of(lambda: services.move_incident(editor, case, State.CLOSED, what="x"))
    assert "“Đang xử lý” sang “Đóng”" in errors["state"][0]
    errors = errors_of(lambda: services.move_incident(editor, case, State.RESOLVED))
    assert errors["what"] == ["Hãy ghi kết quả xử lý hoặc lý do."]
    services.move_incident(editor, case, State.RESOLVED, what="Công ty đồng ý tăng lương 5%.")
    case.refresh_from_db()
    assert case.settled_at is not None and case.closed_at is None
    errors = errors_of(lambda: services.move_incident(editor, case, State.CLOSED, what="Xong."))
    assert errors["state"] == ["Chỉ người phê duyệt của đơn vị mới đóng được hồ sơ."]
    services.move_incident(approver, case, State.CLOSED, what="Đóng hồ sơ.")
    case.refresh_from_db()
    assert case.state == State.CLOSED and case.closed_at is not None
    assert case.next_states() == ()
    moves = [(a.state_from, a.state_to) for a in case.actions.filter(kind=ActionKind.STATE)]
    assert moves == [
        ("tiep_nhan", "xac_minh"),
        ("xac_minh", "dang_xu_ly"),
        ("dang_xu_ly", "da_giai_quyet"),
        ("da_giai_quyet", "dong"),
    ]


def test_a_resolved_case_taken_up_again_runs_its_clock_again(world):
    case = stoppage(world)
    services.move_incident(world["cs_editor"], case, State.TRANSFERRED, what="Chuyển công an.")
    services.move_incident(world["cs_editor"], case, State.HANDLING, what="Có tình tiết mới.")
    case.refresh_from_db()
    assert case.settled_at is None


def test_the_ward_police_confirm_what_they_did_but_do_not_move_the_case(world):
    case = stoppage(world)
    step = services.note_step(
        world["police"], case, what="Đã cử cán bộ nắm tình hình, giữ trật tự tại cổng công ty."
    )
    assert step.kind == ActionKind.POLICE and step.authority == "Công an phường"
    case.refresh_from_db()
    assert case.police_confirmed_at is not None
    errors = errors_of(
        lambda: services.move_incident(world["police"], case, State.HANDLING, what="x")
    )
    assert "không có quyền" in errors["state"][0]
    errors = errors_of(
        lambda: services.note_step(world["police_other"], case, what="Không phải phường tôi.")
    )
    assert "__all__" in errors
    errors = errors_of(lambda: services.update_incident(world["police"], case, title="Sửa"))
    assert "__all__" in errors


# ---------------------------------------------------------------- deadlines


def test_a_stoppage_without_a_rapid_report_in_24_hours_is_overdue(world):
    late = stoppage(world, started_at=NOW() - datetime.timedelta(hours=30))
    fresh = stoppage(
        world,
        started_at=NOW() - datetime.timedelta(hours=2),
        enterprise=f.enterprise(world["cs"]),
    )
    assert list(Incident.objects.overdue()) == [late]
    assert [str(r) for r in late.overdue_reasons()] == ["Quá hạn báo cáo nhanh"]
    services.mark_rapid_report(world["cs_editor"], late)
    assert not Incident.objects.overdue().exists()
    assert fresh.overdue_reasons() == []


def test_an_unsettled_case_past_its_days_is_overdue_until_settled(world):
    old = f.incident(  # loan sharks: no rapid report, 30 days to settle
        world["cs"],
        "tin_dung_den",
        actor=world["cs_editor"],
        started_at=NOW() - datetime.timedelta(days=31),
    )
    assert [str(r) for r in old.overdue_reasons()] == ["Quá hạn giải quyết"]
    services.move_incident(world["cs_editor"], old, State.TRANSFERRED, what="Chuyển công an.")
    assert not Incident.objects.overdue().exists()


# ---------------------------------------------------------------- tips


def tip(w, **kw):
    kw.setdefault("what", "Có người lạ cho vay nặng lãi tại khu trọ, đòi nợ bằng đe dọa.")
    return services.submit_tip(ward=w["linh_xuan"], happened_on=datetime.date.today(), **kw)


def test_a_tip_goes_to_the_ward_union_and_the_police_of_its_ward(world):
    t = tip(world)
    assert t.unit == world["ward_union"] and t.code.startswith("TB-")
    assert Tip.objects.visible_to(world["police"]).filter(pk=t.pk).exists()
    assert not Tip.objects.visible_to(world["police_other"]).filter(pk=t.pk).exists()
    assert t.answer_due == t.created_at + datetime.timedelta(days=7)


def test_an_unanswered_tip_is_overdue_after_a_week_and_an_answer_stops_the_clock(world):
    t = tip(world)
    Tip.objects.filter(pk=t.pk).update(answer_due=NOW() - datetime.timedelta(minutes=1))
    assert list(Tip.objects.overdue()) == [t]
    ward_editor = f.user("lx-editor", Role.EDITOR, world["ward_union"])
    services.answer_tip(
        ward_editor, t, state=State.VERIFYING, public_note="Đã tiếp nhận, đang xác minh."
    )
    assert not Tip.objects.overdue().exists()
    t.refresh_from_db()
    assert t.state == State.VERIFYING and t.public_note == "Đã tiếp nhận, đang xác minh."


def test_a_tip_becomes_a_case_once(world):
    t = tip(world)
    ward_editor = f.user("lx-editor", Role.EDITOR, world["ward_union"])
    case = f.incident(
        world["ward_union"], "tin_dung_den", actor=ward_editor, ward=world["linh_xuan"], tip=t
    )
    assert case.tip == t
    t.refresh_from_db()
    assert t.answered_at is not None
    assert t.actions.filter(kind=ActionKind.CONVERTED, what__contains=case.code).exists()
    errors = errors_of(
        lambda: f.incident(
            world["ward_union"], "tin_dung_den", actor=ward_editor, ward=world["tan_thuan"], tip=t
        )
    )
    assert errors["tip"] == ["Tin báo này đã được chuyển thành vụ việc."]


def test_the_unit_and_the_police_each_confirm_a_tip(world):
    t = tip(world)
    ward_editor = f.user("lx-editor", Role.EDITOR, world["ward_union"])
    services.note_step(ward_editor, t, what="Tổ tự quản đã nhắc nhở chủ trọ.")
    services.note_step(world["police"], t, what="Công an phường đã mời làm việc.")
    t.refresh_from_db()
    assert t.unit_confirmed_at and t.police_confirmed_at
    assert [a.kind for a in t.actions.all()] == [ActionKind.UNIT, ActionKind.POLICE]


# ---------------------------------------------------------------- the sealed sender


def _raw_row(t):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Tip._meta.db_table} WHERE id = %s", [t.pk])
        row = cursor.fetchone()
        cursor.execute(f"SELECT * FROM {Tip.history.model._meta.db_table} WHERE id = %s", [t.pk])
        history = cursor.fetchall()
    return " ".join(str(v) for v in row) + " ".join(str(v) for h in history for v in h)


def test_a_named_senders_name_and_phone_are_nowhere_in_clear(world):
    t = tip(world, anonymous=False, reporter_name="Nguyễn Thị Hoa", reporter_phone="0912 345 678")
    stored = _raw_row(t)
    assert "Hoa" not in stored and "0912345678" not in stored
    assert t.sealed_sender


def test_only_the_identity_role_reveals_the_sender_and_each_reading_is_logged(world):
    t = tip(world, anonymous=False, reporter_name="Nguyễn Thị Hoa", reporter_phone="0912345678")
    superuser = f.superuser()
    for who in (world["admin"], superuser, world["police"], world["identity_alone"]):
        errors = errors_of(lambda who=who: services.reveal_sender(who, t))
        assert errors["__all__"] == ["Bạn không có quyền xem danh tính người báo tin."]
    sender = services.reveal_sender(world["sealer"], t)
    assert (sender["name"], sender["phone"]) == ("Nguyễn Thị Hoa", "0912345678")
    readings = Action.objects.filter(tip=t, kind=ActionKind.REVEAL)
    assert [r.actor for r in readings] == [world["sealer"]]


def test_an_anonymous_tip_seals_nothing_even_if_a_name_was_typed(world):
    t = tip(world, anonymous=True, reporter_name="Ai Đó", reporter_phone="0912345678")
    assert t.sealed_sender == ""
    assert "Ai Đó" not in _raw_row(t)
    assert services.reveal_sender(world["sealer"], t) == {}


def test_a_logged_in_group_leader_sends_a_tip_sealed_with_their_account(world):
    from binhyen.incidents import seal

    leader = f.user("to-truong", first_name="Lan", last_name="Trần")
    t = tip(world, anonymous=False, sender=leader)
    assert t.channel == "to_truong"
    assert seal.unseal(t.sealed_sender)["user"] == leader.pk
    officer_tip = tip(world, anonymous=True, sender=world["cs_editor"])
    assert officer_tip.channel == "can_bo" and officer_tip.sealed_sender == ""


def test_a_case_in_a_locked_report_period_cannot_be_opened_changed_or_deleted(world):
    from binhyen.core import locks

    case = stoppage(world, started_at=NOW() - datetime.timedelta(days=40))
    locked_day = timezone.localtime(case.started_at).date()

    def approved_report(unit, day):
        return "Báo cáo quý đã duyệt" if day == locked_day else None

    locks.register(approved_report)
    try:
        errors = errors_of(lambda: services.update_incident(world["cs_editor"], case, title="Sửa"))
        assert "Báo cáo quý đã duyệt" in errors["started_at"][0]
        errors = errors_of(lambda: services.delete_incident(world["cs_approver"], case))
        assert "Báo cáo quý đã duyệt" in errors["started_at"][0]
        errors = errors_of(
            lambda: f.incident(
                world["cs"], "ma_tuy", actor=world["cs_editor"], started_at=case.started_at
            )
        )
        assert "Báo cáo quý đã duyệt" in errors["started_at"][0]
    finally:
        locks.unregister(approved_report)
    case.refresh_from_db()
    assert case.title == "Ngừng việc đòi tăng lương" and case.deleted_at is None


def test_a_union_founded_later_does_not_restate_an_earlier_stoppage(world):
    from binhyen.enterprises.services import update_enterprise

    firm = f.enterprise(world["cs"], workforce=900)  # no union yet
    case = stoppage(world, enterprise=firm, stoppage={"workers_involved": 300})
    assert case.union_absent and case.ownership.code == "fdi"
    update_enterprise(f.superuser(), firm, union=world["cs"])
    services.update_incident(world["cs_editor"], case, title="Ngừng việc đòi tăng lương (sửa)")
    case.refresh_from_db()
    assert case.union_absent  # as it was when the workers stopped


def test_a_step_cannot_be_dated_before_the_case_began(world):
    case = stoppage(world)
    errors = errors_of(
        lambda: services.move_incident(
            world["cs_editor"],
            case,
            State.TRANSFERRED,
            what="Chuyển công an.",
            at=case.started_at - datetime.timedelta(hours=1),
        )
    )
    assert errors["at"] == ["Thời điểm không được trước khi vụ việc bắt đầu."]


def test_a_change_that_empties_the_kind_is_refused(world):
    case = stoppage(world)
    errors = errors_of(lambda: services.update_incident(world["cs_editor"], case, kind=None))
    assert errors["kind"] == ["Hãy chọn loại vụ việc."]


def test_emptying_the_workers_of_a_stoppage_is_refused_and_nothing_changes(world):
    case = stoppage(world)
    errors = errors_of(
        lambda: services.update_incident(
            world["cs_editor"], case, title="Sửa tên", stoppage={"workers_involved": None}
        )
    )
    assert errors["workers_involved"] == ["Hãy nhập số người ngừng việc."]
    case.refresh_from_db()
    assert case.title == "Ngừng việc đòi tăng lương" and case.stoppage.workers_involved == 600

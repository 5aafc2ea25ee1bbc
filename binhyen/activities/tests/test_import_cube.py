"""After an import the reporting cube equals the cube recomputed from the raw activities."""

import datetime

from binhyen.activities import cube as facts
from binhyen.activities.models import ActivityFact
from binhyen.activities.services import import_activities

from .conftest import row, xlsx


def run(user, data):
    return import_activities(user, data, file_name="hoat-dong.xlsx")


def many_rows():
    """Rows over several units, months, kinds and topic/audience/channel sets, with repeats of
    the same cell (so the sums, not just the counts, are checked)."""
    units = ["HCM-Q9-CS1", "HCM-Q9", "HCM"]
    topics = ["ma_tuy", "ma_tuy, tin_dung_den", "pccc, phong_chong_toi_pham, ma_tuy"]
    return [
        row(
            **{
                "Mã đơn vị": units[n % 3],
                "Ngày": datetime.date(2020, 1 + n % 5, 1 + n % 27),
                "Tên hoạt động": f"Buổi {n}",
                "Chủ đề": topics[n % 3],
                "Loại hoạt động": ("tuyen_truyen", "hoi_nghi")[n % 2],
                "Đối tượng": ("doan_vien", "doan_vien, cnvcld")[n % 2],
                "Hình thức": ("", "truc_tiep", "truc_tiep, zalo")[n % 3],
                "Số cuộc/buổi": 1 + n % 4,
                "Số lượt người": 10 * n,
                "Số tờ rơi": n % 7 or None,
            }
        )
        for n in range(60)
    ]


def test_import_leaves_the_cube_equal_to_the_raw_activities(people):
    result = run(people["hcm_editor"], xlsx(many_rows()))
    assert result.ok and result.created == 60, [str(e) for e in result.errors]
    assert ActivityFact.objects.exists()
    assert facts.verify() == []
    # A re-import that adds one new row among duplicates adds exactly that row.
    again = run(people["hcm_editor"], xlsx(many_rows() + [row(**{"Tên hoạt động": "Mới"})]))
    assert (again.created, again.skipped) == (1, 60)
    assert facts.verify() == []


def test_rejected_file_leaves_the_cube_untouched(people):
    result = run(people["hcm_editor"], xlsx(many_rows() + [row(**{"Số lượt người": -1})]))
    assert not result.ok
    assert not ActivityFact.objects.exists()

"""The groups pages in English: the app's own catalog is used (tests/test_catalogs.py checks
it is complete)."""

import pytest

from binhyen import factories as f

pytestmark = pytest.mark.usefixtures("english")


def test_group_pages_in_english(world, client):
    client.force_login(f.superuser())
    client.post("/i18n/setlang/", {"language": "en"})
    listing = client.get("/mo-hinh/", {"unit": "G-HCM", "ngay": "30/06/2021"}).content.decode()
    assert "Self-managed groups" in listing
    assert (
        "<strong>3</strong> groups with <strong>4</strong> members, active in <strong>2</strong> wards"
        in listing
    )
    detail = client.get(f"/mo-hinh/{world['a'].pk}/").content.decode()
    assert "Boarding houses covered" in detail and "Working" in detail
    assert "Tổ tự quản khu trọ Linh Xuân" in detail  # data stays as entered
    client.post("/i18n/setlang/", {"language": "vi"})


def test_ids_in_links_and_form_values_have_no_thousands_separator_in_english(world, client):
    # English groups digits with commas; an id sent back as "26,794" would match nothing.
    from binhyen.groups.models import Group

    big = Group.objects.get(pk=world["b"].pk)
    big.pk, big.name, big.code = 4321, "Tổ dư luận xã hội Tân Thuận 2", "NT-4321"
    big.save(force_insert=True)
    ward = world["a"].ward
    assert ward.pk > 999
    client.force_login(f.superuser())
    client.post("/i18n/setlang/", {"language": "en"})
    listing = client.get("/mo-hinh/", {"unit": "G-HCM", "ngay": "30/06/2021"}).content.decode()
    assert f'<option value="{ward.pk}">{ward.name}</option>' in listing
    assert f"{ward.pk:,}" not in listing
    detail = client.get("/mo-hinh/4321/").content.decode()
    assert "Add a camera" in detail and '?group=4321"' in detail and "4,321" not in detail
    ward_map = client.get(
        "/mo-hinh/ban-do/", {"unit": "G-HCM", "ngay": "30/06/2021"}
    ).content.decode()
    assert f"ward={ward.pk}&amp;" in ward_map and f"{ward.pk:,}" not in ward_map

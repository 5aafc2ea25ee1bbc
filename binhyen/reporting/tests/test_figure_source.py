"""The source page of a figure, as a report's reader opens it: the total, the unit's own share
and the units below, one level down per child, the months, and a comparison with an earlier
period."""

import datetime

import pytest
from django.test import Client

from binhyen import factories
from binhyen.org.scoping import Role

D = datetime.date


def client_for(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def figures(tree):
    """HCM's approver; Thủ Đức's grassroots union has 3.807 sessions in 2022, Thủ Đức itself 12."""
    approver = factories.user("rp-hcm", Role.APPROVER, tree["hcm"])
    factories.activity(tree["cs2"], date=D(2022, 4, 2), sessions=3807, attendances=840528)
    factories.activity(tree["td"], date=D(2022, 5, 2), sessions=12, attendances=300)
    return {"approver": approver, "tree": tree}


def test_the_source_page_of_a_figure(figures, django_assert_max_num_queries):
    tree = figures["tree"]
    c = client_for(figures["approver"])
    url = "/tong-hop/nguon-so-lieu/?unit=HCM-TD&period=2022&indicator=activity.sessions[kind=tuyen_truyen]"
    with django_assert_max_num_queries(15):
        page = c.get(url + "&phan=below").content.decode()
    assert 'id="figure-total">3.819<' in page
    summary = page.split('id="figure-summary"')[1].split("</table>")[0]
    assert (
        "Riêng Liên đoàn Lao động Thành phố Thủ Đức" in summary
        and ">12<" in summary
        and ">3.807<" in summary
    )
    children = page.split('id="figure-children"')[1].split("</table>")[0]
    assert "Công đoàn cơ sở Công ty May Thủ Đức" in children
    assert "/tong-hop/nguon-so-lieu/?unit=HCM-TD-CS1&amp;period=2022" in children  # one level down
    months = page.split('id="figure-months"')[1].split("</table>")[0]
    assert '<th scope="row" class="text-start">2022</th>' in months and ">3.807<" in months
    assert (
        "/hoat-dong/?unit=HCM-TD&amp;start=01%2F01%2F2022&amp;end=31%2F12%2F2022&amp;basis=was&amp;kind=tuyen_truyen"
        in page
    )

    factories.activity(tree["cs2"], date=D(2021, 4, 2), sessions=3000, attendances=10)
    page = c.get(url + "&phan=percent&so_voi=2021").content.decode()
    summary = page.split('id="figure-summary"')[1].split("</table>")[0]
    assert (
        "Năm 2021" in summary
        and ">3.000<" in summary
        and ">+819<" in summary
        and "27,3%" in summary
    )
    summary = (
        c.get(url + "&phan=times&so_voi=2021").content.decode().split('id="figure-summary"')[1]
    )
    assert 'Gấp</th><td class="text-end">1,3 lần<' in summary

    assert c.get(url.replace("kind=tuyen_truyen", "kind=khong_co")).status_code == 400
    outsider = client_for(factories.user("rp-mt", Role.APPROVER, tree["mt"]))
    assert outsider.get(url).status_code == 404

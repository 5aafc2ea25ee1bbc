"""The demo registers the seeds' documents for HCMC and Mỹ Tho and links them (the plans'
targets are reporting's demo: test_targets_demo.py)."""

import datetime

import pytest

from binhyen.documents import chain, demo
from binhyen.documents.models import Document
from binhyen.org import demo as org_demo

D = datetime.date


@pytest.fixture
def demo_data(full_demo):
    """The whole demo, loaded once for every test that reads it (conftest.py): what the
    documents' loader created."""
    return full_demo["documents"]


def doc(symbol):
    return Document.objects.select_related("unit", "doc_type").get(symbol=symbol)


def test_the_seeds_documents_are_registered_and_linked(demo_data):
    assert demo_data == {"documents": 22, "links": 48}
    kl13 = doc("13-KL/TW")
    assert (kl13.issuer.name, kl13.issued_on, kl13.shared) == ("Bộ Chính trị", D(2021, 8, 16), True)
    mt_plans = set(
        kl13.implemented_by.filter(unit__code=org_demo.MY_THO).values_list("symbol", flat=True)
    )
    assert mt_plans == {"329/KH-LĐLĐ", "330/KH-LĐLĐ", "311/KH-LĐLĐ", "08-NQ/CB"}
    assert set(doc("329/KH-LĐLĐ").implemented_by.values_list("symbol", flat=True)) == {
        "2016/LĐLĐ",
        "2188/LĐLĐ",
    }
    cited = set(doc("118/KH-LĐLĐ").implements.values_list("symbol", "number"))
    assert cited >= {
        ("44-KL/TW", "44"),
        ("09-CT/TW", "09"),
        ("48-CT/TW", "48"),
        ("09/NQ-CP", "09"),
        ("3769/KH-BCĐ", "3769"),
        ("1945/QĐ-BCĐ", "1945"),
        ("", "478"),
    }


def test_a_second_run_changes_nothing(demo_data):
    assert demo.load() == {"documents": 0, "links": 0}


def test_the_chain_of_kl13_goes_to_the_mytho_letters(demo_data):
    from binhyen.factories import superuser

    nodes = chain.flatten(chain.implementation_tree(doc("13-KL/TW"), superuser()))
    assert {(n.document.symbol, n.depth) for n in nodes} >= {
        ("329/KH-LĐLĐ", 1),
        ("2016/LĐLĐ", 2),
        ("118/KH-LĐLĐ", 1),
        ("07/KH-LĐLĐ", 2),
        ("21/KH-CĐKCXKCN", 2),
    }
    assert chain.default_period(doc("13-KL/TW")).code == "2021-08-16..2022-08-15"

"""The chain for a directive: the plans carrying it out at every level, and the periods it is
read over (each plan's figures from the rollup engine: reporting's test_plan_figures.py)."""

import datetime

from binhyen import factories as f
from binhyen.documents import chain

D = datetime.date


def labels(root):
    return [
        ("  " * (n.depth - 1)) + n.document.symbol + (" (lặp)" if n.repeated else "")
        for n in chain.flatten(root)
    ]


def test_the_chain_goes_down_every_level(chained):
    root = chain.implementation_tree(chained["kl"], f.superuser())
    # Quận 9's plan carries out both the directive and the city's plan: listed under each,
    # opened once
    assert labels(root) == [
        "118/KH-LĐLĐ",
        "  7/KH-LĐLĐ (lặp)",
        "7/KH-LĐLĐ",
        "329/KH-LĐLĐ",
        "  2016/LĐLĐ",
    ]


def test_the_chain_shows_only_what_the_reader_sees(chained, people):
    root = chain.implementation_tree(chained["kl"], people["mt_editor"])
    assert labels(root) == ["329/KH-LĐLĐ", "  2016/LĐLĐ"]
    root = chain.implementation_tree(chained["kl"], people["q9_editor"])
    assert labels(root) == ["7/KH-LĐLĐ"]


def test_one_year_of_carrying_out(chained):
    period = chain.default_period(chained["kl"], day=D(2025, 1, 1))
    assert (period.start, period.end) == (D(2021, 8, 16), D(2022, 8, 15))
    assert str(period.label) == "Từ ngày 16/08/2021 đến ngày 15/08/2022"
    choices = chain.period_choices(chained["kl"], day=D(2023, 9, 1))
    assert [(years, p.end) for years, p in choices] == [
        (1, D(2022, 8, 15)),
        (2, D(2023, 8, 15)),
        (3, D(2023, 9, 1)),
    ]

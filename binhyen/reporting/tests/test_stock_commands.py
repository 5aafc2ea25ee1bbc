"""`verify-facts` reports a stock cube cell that differs from the records; `rebuild-facts`
puts it right."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from binhyen import factories as f
from binhyen.groups import cube as stock_facts
from binhyen.groups.models import StockFact

D = datetime.date


def test_verify_reports_a_tampered_stock_cell_and_rebuild_repairs_it(db):
    gt = f.group_tree()
    g = f.group(gt["cs"], founded=D(2022, 5, 10))
    f.member(g, joined=D(2022, 6, 1))
    out = StringIO()
    call_command("verify-facts", stdout=out)
    assert "khớp" in out.getvalue()
    StockFact.objects.filter(measure=stock_facts.MEMBERS, ancestor_id=gt["hcm"].pk).update(delta=5)
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("verify-facts", stdout=out)
    assert "thành viên" in out.getvalue()
    call_command("rebuild-facts", stdout=StringIO())
    call_command("verify-facts", stdout=StringIO())
    assert stock_facts.figure(gt["hcm"].pk, "members", D(2022, 6, 1), by_child=False) == {(): 1}
    assert stock_facts.figure(gt["hcm"].pk, "members", D(2022, 5, 31), by_child=False) == {(): 0}

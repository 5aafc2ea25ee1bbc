"""The chain from a directive down to what was done: the plans that carry it out at every
level (following "carries out" links), and the periods the chain is read over ("1, 2, …
years of carrying out", the part of a period after a plan was issued). Each plan's own
figures along the chain are read from the rollup engine by the reporting app (chain.py)."""

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from binhyen.core.periods import parse_period, today

from .models import Document
from .services import MAX_CHAIN_DEPTH

RELATED = ("doc_type", "unit", "issuer", "issuer_unit")


@dataclass
class Node:
    document: Document
    depth: int
    children: list = field(default_factory=list)
    repeated: bool = False  # already shown under another document of the chain


def implementation_tree(document, user):
    """The documents the reader sees that carry out `document`, directly or through other
    plans, as a tree (one query per level). A document reached twice is listed twice but
    opened once."""
    through = Document.implements.through
    visible = Document.objects.visible_to(user)
    root = Node(document, 0)
    nodes = {document.pk: root}
    frontier = [document.pk]
    for depth in range(1, MAX_CHAIN_DEPTH + 1):
        if not frontier:
            break
        edges = (
            through.objects.filter(to_document_id__in=frontier, from_document__in=visible)
            .select_related(*(f"from_document__{r}" for r in RELATED))
            .order_by("from_document__issued_on", "from_document__id")
        )
        nxt = []
        for edge in edges:
            child = edge.from_document
            parent = nodes[edge.to_document_id]
            if child.pk in nodes:
                parent.children.append(Node(child, depth, repeated=True))
                continue
            node = Node(child, depth)
            nodes[child.pk] = node
            parent.children.append(node)
            nxt.append(child.pk)
        frontier = nxt
    return root


def flatten(root):
    """The tree in reading order, without the root."""
    out = []

    def walk(node):
        for child in node.children:
            out.append(child)
            walk(child)

    walk(root)
    return out


def period_from(text, default):
    """(the period written in `text`, ""), or (`default`, what is wrong with `text`; "" when
    it is empty): the `?ky=` of the chain's pages."""
    text = (text or "").strip()
    if not text:
        return default, ""
    try:
        return parse_period(text), ""
    except ValidationError as exc:
        return default, exc.message_dict["period"][0]


def default_period(document, day=None):
    """ "1 năm thực hiện": a year from the directive's date (up to today); the current year
    for a document without a date."""
    day = day or today()
    if document.issued_on is None or document.issued_on > day:
        return parse_period(str(day.year))
    start = document.issued_on
    end = min(_years_after(start, 1) - datetime.timedelta(days=1), day)
    return parse_period(f"{start.isoformat()}..{end.isoformat()}")


def period_choices(document, day=None):
    """[(years, Period)] for "1 năm, 2 năm, … thực hiện" up to today."""
    day = day or today()
    if document.issued_on is None:
        return []
    out = []
    for years in range(1, 11):
        end = _years_after(document.issued_on, years) - datetime.timedelta(days=1)
        out.append(
            (years, parse_period(f"{document.issued_on.isoformat()}..{min(end, day).isoformat()}"))
        )
        if end >= day:
            break
    return out


def _years_after(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29/02
        return day.replace(year=day.year + years, day=28)


def plan_period(plan, period):
    """`period` from the day the plan was issued (an activity cannot carry out a plan not yet
    issued); None when the plan came after the period."""
    if plan.issued_on is None or plan.issued_on <= period.start:
        return period
    if plan.issued_on > period.end:
        return None
    return parse_period(f"{plan.issued_on.isoformat()}..{period.end.isoformat()}")

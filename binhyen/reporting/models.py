"""Models of the reporting app: rollup facts (the per-level cube of activity flows).

For every activity and every ancestor A of its unit (the unit itself included), the activity
adds to one cell keyed (A, the child of A on the path down to the unit — or A itself for A's
own activities —, month, kind, dimension slot). A rollup of unit X by its children is then a
`GROUP BY child` over X's rows only, whatever the size of X's subtree.

Topics, audiences and channels are many-to-many, so they cannot share one cell without
multiplying totals: each activity writes one `dim = NONE` cell (the plain totals, with the kind)
and one cell per topic, per audience and per channel (`dim = TOPIC`, `dim_id` = topic id…).
A filter on the kind plus at most one of those three reads the cube; two or more of them at
once (a topic AND an audience) is answered from the raw activities (rollup.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dim(models.IntegerChoices):
    NONE = 0, _("Tổng (không phân theo chiều)")
    TOPIC = 1, _("Chủ đề")
    AUDIENCE = 2, _("Đối tượng")
    CHANNEL = 3, _("Hình thức")


class ActivityFact(models.Model):
    """One cell of the per-level cube: sums of the activities of `child`'s subtree (of
    `ancestor` itself when child = ancestor) in one month, of one kind, in one dimension slot.

    Plain integer keys without foreign-key constraints: the cube is derived data, rebuilt from
    the activities (`binhyen rebuild-facts`), and every write is an upsert of deltas."""

    ancestor_id = models.IntegerField(_("đơn vị tổng hợp"))
    child_id = models.IntegerField(_("đơn vị trực thuộc trên nhánh"))
    month = models.DateField(_("tháng"))
    kind_id = models.IntegerField(_("loại hoạt động"))
    dim = models.SmallIntegerField(_("chiều"), choices=Dim.choices, default=Dim.NONE)
    dim_id = models.IntegerField(_("giá trị của chiều"), default=0)
    activities = models.BigIntegerField(_("số hoạt động"), default=0)
    sessions = models.BigIntegerField(_("số cuộc/buổi"), default=0)
    attendances = models.BigIntegerField(_("số lượt người"), default=0)
    leaflets = models.BigIntegerField(_("số tờ rơi"), default=0)

    class Meta:
        verbose_name = _("ô số liệu tổng hợp hoạt động")
        verbose_name_plural = _("số liệu tổng hợp hoạt động")
        constraints = [
            # Also the index every rollup reads: ancestor and dimension slot first, so the month
            # range of one slot is one contiguous stretch of the index (the topic, audience and
            # channel cells, ten times as many, are not scanned by an unfiltered rollup).
            models.UniqueConstraint(
                fields=["ancestor_id", "dim", "dim_id", "month", "child_id", "kind_id"],
                name="activityfact_slot_cell",
            ),
        ]

    def __str__(self):
        return f"{self.ancestor_id}/{self.child_id} {self.month:%m/%Y} {self.kind_id} {self.dim}:{self.dim_id}"

"""Emulation and awards (thi đua, khen thưởng): movements, titles and criteria, the year's
registration → self-assessment → review up the tree, award proposals and decisions.

Where things are: `models.py` (the objects and the registration's `TRANSITIONS`),
`services.py` (every write, who may do what, eligibility, the register of decision numbers),
`figures.py` (the indicators `emulation.registered`, `emulation.recognised`, `awards.count`).

Built on this foundation next (issue 18): the pages (movement/title/criterion admin, the
unit's registration and self-assessment with each computed criterion's live value beside its
snapshot — `services.live_value` —, the reviewer's queue: `Registration.objects.visible_to`
filtered to `services.may_review`), the decision as DOCX (Nghị định 30/2020: number from
`services.next_number`, articles, the annex of `decision.awards`), the narrative's sentence
on awards, the portal's honour roll (from `Award`, name and unit only), the demo's movements,
the permission-matrix rows and a browser test.
"""

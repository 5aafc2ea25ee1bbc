"""Tasks the worker tests queue: a real rebuild that, on its first attempt, hangs after the
cubes wrote inside its transaction (so the test can kill the worker mid-run)."""

import os
import time

from binhyen.figures import registry
from binhyen.ops.tasks import background
from binhyen.reporting import jobs


class _Hang:
    def __init__(self, marker):
        self.marker = marker

    def rebuild(self, unit=None):
        with open(self.marker, "w") as out:
            out.write(str(os.getpid()))
        time.sleep(300)
        return 0


@background
def rebuild_hanging_once(job_id, marker):
    if not os.path.exists(marker):
        real = registry.cubes
        registry.cubes = lambda: [*real(), _Hang(marker)]
    return jobs.run(job_id)

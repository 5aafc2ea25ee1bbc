"""`binhyen worker`: run queued background tasks (django-tasks-db's worker) and say so.

Beside the tasks it beats a heartbeat every few seconds (ops.WorkerBeat, read by /readyz and
by the reaper) and, when it starts, queues again what a dead worker left running. SIGTERM
lets the running task finish first; a second SIGTERM stops at once (the task's transaction
rolls back and the reaper runs it again).
"""

import threading

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands import db_worker

from binhyen.ops import tasks


class Command(db_worker.Command):
    help = (
        "Chạy các việc nền trong hàng đợi (nhập Excel, xuất báo cáo, tính lại số liệu, gửi thư, "
        "việc theo lịch). Chạy một hoặc nhiều tiến trình, trên một hoặc nhiều máy, cùng một cơ "
        "sở dữ liệu."
    )

    def handle(self, *args, worker_id=None, **options):
        worker_id = worker_id or get_random_string(32)
        tasks.beat(worker_id)
        reaped = tasks.reap()
        if reaped:
            self.stdout.write(f"Đã đưa lại {reaped} tác vụ của worker đã dừng vào hàng đợi.")
        stop = threading.Event()
        thread = threading.Thread(
            target=_beating, args=(worker_id, stop), name="binhyen-worker-beat", daemon=True
        )
        thread.start()
        try:
            return super().handle(*args, worker_id=worker_id, **options)
        finally:
            stop.set()
            thread.join(timeout=5)
            tasks.beat(worker_id, stopping=True)


def _beating(worker_id, stop):
    from django.db import connection

    try:
        while not stop.wait(tasks.BEAT_SECONDS):
            try:
                tasks.beat(worker_id)
            except Exception:  # noqa: BLE001 — a missed beat must not stop the worker
                tasks.log.exception("heartbeat of worker %s failed", worker_id)
    finally:
        connection.close()

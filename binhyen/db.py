"""Database plumbing shared by the apps."""

from contextlib import contextmanager

from django.db import connection


@contextmanager
def pipelined():
    """On PostgreSQL, send the statements of the block together (psycopg's pipeline mode):
    one round trip for all of them instead of one each, which is most of what a small write
    costs. The statements must not need one another's results before the block ends; an
    error in any of them is raised when the block ends. Elsewhere the block runs as is."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield


def in_pipeline():
    """Whether statements are being queued by `pipelined()` (COPY is not allowed there)."""
    if connection.vendor != "postgresql" or connection.connection is None:
        return False
    from psycopg import pq

    return connection.connection.pgconn.pipeline_status != pq.PipelineStatus.OFF

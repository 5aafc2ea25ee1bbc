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


def copy_text(cursor, table, columns, lines, chunk=4000):
    """PostgreSQL COPY … FROM STDIN (on a psycopg cursor) of lines already in COPY's text
    format (tab-separated, newline-ended, text values through copy_value, NULL as \\N): the
    driver's per-row writer costs more than the rest of a bulk write's Python work."""
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        batch = []
        for line in lines:
            batch.append(line)
            if len(batch) >= chunk:
                copy.write("".join(batch))
                batch = []
        if batch:
            copy.write("".join(batch))


def copy_value(value):
    """A text value for COPY's text format: backslash, tab, newline and return escaped."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        value = (
            value.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return value

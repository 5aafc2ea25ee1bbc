"""Fixtures of the reports tests: `export_file` asks for a document as the page's button does
and downloads it from the job's page (defined with the reporting tests, which share it)."""

from binhyen.reporting.tests.conftest import export_file  # noqa: F401

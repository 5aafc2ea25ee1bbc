"""Fixtures of the reporting tests (and of the reports tests, which import `export_file`)."""

import re

import pytest
from django.urls import reverse

from binhyen.ops.models import Job, JobStatus


@pytest.fixture
def export_file(settings, tmp_path, django_capture_on_commit_callbacks):
    """`export_file(client, url, data)`: ask for a file as the page's button does (a POST that
    queues a job; the job runs where it was queued once the request commits), open the job's
    page it redirects to and download the file from it. Returns (job, the file's bytes). The
    jobs' files go to a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"

    def export(client, url, data=None):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data or {})
        assert response.status_code == 303, (url, response.status_code)
        pk = int(re.fullmatch(r"/viec-nen/(\d+)/", response["Location"]).group(1))
        job = Job.objects.get(pk=pk)
        assert job.status == JobStatus.DONE, job.error
        link = reverse("job_file", args=[pk])
        assert f'href="{link}"' in client.get(response["Location"]).content.decode()
        download = client.get(link)
        assert download.status_code == 200
        assert job.result_name in download["Content-Disposition"]
        return job, b"".join(download.streaming_content)

    return export

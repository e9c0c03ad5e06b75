"""The reaper process outlives a database restart: it does not keep failing on the closed connection."""

import pytest
from django.db import connection

from jobs.management.commands.reap_jobs import Command
from jobs.services import job_reap

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql",
                    reason="SQLite's in-memory test database is gone with its connection; CI runs this on PostgreSQL")
def test_after_the_database_closed_its_connection_the_next_pass_works(caplog):
    job_reap()  # a connection is open
    connection.connection.close()  # what a PostgreSQL restart does to it, from this side

    Command._pass("job reaper", job_reap)  # fails: the connection is closed
    assert "job reaper pass failed" in caplog.text
    caplog.clear()
    Command._pass("job reaper", job_reap)  # a fresh connection
    assert "pass failed" not in caplog.text

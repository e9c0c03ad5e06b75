"""Ports for the servers the tests and benchmarks start: free, distinct, and outside the range
the kernel takes outgoing connections' local ports from, so no connection can take one first."""

from __future__ import annotations

import socket

from deploy.local import processes
from deploy.local.processes import FIRST_SERVER_PORT, free_ports


def test_ports_are_distinct_free_and_below_the_ephemeral_range():
    first_ephemeral = int(processes.EPHEMERAL_RANGE.read_text().split()[0])

    ports = free_ports(8)

    assert len(set(ports)) == 8
    assert all(FIRST_SERVER_PORT <= port < first_ephemeral for port in ports)
    for port in ports:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))


def test_a_host_with_no_room_below_its_ephemeral_range_gets_ports_from_the_kernel(tmp_path, monkeypatch):
    ephemeral_range = tmp_path / "ip_local_port_range"
    ephemeral_range.write_text("1024\t65535\n")
    monkeypatch.setattr(processes, "EPHEMERAL_RANGE", ephemeral_range)

    ports = free_ports(3)

    assert len(set(ports)) == 3 and all(1024 <= port <= 65535 for port in ports)

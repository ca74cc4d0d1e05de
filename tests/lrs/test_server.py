"""`toolkit lrs serve` as a real process over HTTP, with the tincan client library."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import uuid

from tincan import Activity, Agent, AgentAccount, RemoteLRS, Statement, Verb

from toolkit.lrs.auth import add_credential
from toolkit.lrs.storage import open_storage


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_with_tincan_client(db_url):
    storage = open_storage(db_url)
    add_credential(storage, "admin", ["all"], password="pw")
    storage.close()
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "toolkit", "lrs", "serve", "--db", db_url, "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        lrs = RemoteLRS(endpoint=f"http://127.0.0.1:{port}/xapi/", username="admin", password="pw", version="1.0.3")
        sid = str(uuid.uuid4())
        st = Statement(id=sid, actor=Agent(account=AgentAccount(home_page="https://lms.example.dk", name="borger-9")),
                       verb=Verb(id="http://adlnet.gov/expapi/verbs/completed"),
                       object=Activity(id="https://kurser.example.dk/cv"))
        assert lrs.save_statement(st).success
        got = lrs.retrieve_statement(sid)
        assert got.success and str(got.content.id) == sid
        result = lrs.query_statements({"verb": Verb(id="http://adlnet.gov/expapi/verbs/completed"), "limit": 10})
        assert result.success and len(result.content.statements) == 1
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stdout.close()

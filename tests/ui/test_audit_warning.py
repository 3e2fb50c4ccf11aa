"""The therapist's client list says plainly when the audit log was cut, and the lock screen
says when another program holds the portfolio."""

import subprocess
import sys
import textwrap

import pytest

from expressive.portfolio import Portfolio
from expressive.portfolio.auditing import chain_path
from expressive.portfolio.device import device_id
from expressive.tools.driver import start_app, stop_app
from tests_support import PIN, cheap_protect, screen, submit_secret


@pytest.fixture
def protected_root(tmp_path):
    root = tmp_path / "portfolio"
    cheap_protect(root, PIN)
    with Portfolio.open(root, passphrase=PIN) as store:
        client = store.add_client("Sam")
        store.audit("open-client", client.id)
    return root


def test_a_cut_audit_log_is_shown_on_the_client_list(window, protected_root):
    log = chain_path(protected_root, device_id(protected_root))
    log.write_bytes(b"".join(log.read_bytes().splitlines(keepends=True)[:2]))
    app = start_app(root=protected_root)
    try:
        submit_secret(screen(app, "lock").ids.entry, PIN)
        assert app.root.current == "clients"
        warning = screen(app, "clients").ids.audit_warning.text
        assert warning.startswith("The audit log was changed or cut short (")
        assert "expressive audit" in warning
    finally:
        stop_app(app)


def test_an_intact_audit_log_shows_no_warning(window, protected_root):
    app = start_app(root=protected_root)
    try:
        submit_secret(screen(app, "lock").ids.entry, PIN)
        assert screen(app, "clients").ids.audit_warning.text == ""
    finally:
        stop_app(app)


def test_the_lock_screen_says_when_another_program_holds_the_portfolio(window, protected_root):
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent("""
            import os, sys, fcntl
            fcntl.flock(os.open(sys.argv[1], os.O_RDONLY), fcntl.LOCK_EX)
            print("held", flush=True)
            sys.stdin.read()
        """), str(protected_root)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout.readline() == "held\n"
        app = start_app(root=protected_root)
        try:
            lock = screen(app, "lock")
            submit_secret(lock.ids.entry, PIN)
            assert app.root.current == "lock" and app.store is None
            assert "is in use by another program" in lock.message
        finally:
            stop_app(app)
    finally:
        holder.stdin.close()
        holder.wait(timeout=60)

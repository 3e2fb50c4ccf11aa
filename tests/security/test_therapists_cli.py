"""Several therapists from the command line: invite, join on the colleague's side, give,
take, and who unlocks (--therapist or $EXPRESSIVE_THERAPIST)."""

import os
import re
import subprocess
import sys

from sample_work import DEMO_PASSPHRASE

ANA = DEMO_PASSPHRASE
BEA = "bea's passphrase"


def expressive(root, *args, passphrase=None, therapist=None):
    environment = {name: value for name, value in os.environ.items() if not name.startswith("EXPRESSIVE_")}
    environment["EXPRESSIVE_PORTFOLIO"] = str(root)
    if passphrase:
        environment["EXPRESSIVE_PASSPHRASE"] = passphrase
    if therapist:
        environment["EXPRESSIVE_THERAPIST"] = therapist
    result = subprocess.run([sys.executable, "-m", "expressive", *args], capture_output=True, text=True,
                            env=environment, timeout=300, stdin=subprocess.DEVNULL)
    return result


def test_invite_join_give_and_take_from_the_command_line(tmp_path, demo_copy):
    root = demo_copy(tmp_path / "portfolio", passphrase=ANA)
    alone = expressive(root, "therapists", passphrase=ANA)
    assert alone.returncode == 0 and "One passphrase opens this portfolio" in alone.stdout

    invited = expressive(root, "therapists", "invite", "Bea", "--my-name", "Ana", passphrase=ANA)
    assert invited.returncode == 0, invited.stderr
    assert "NEW recovery key" in invited.stdout
    code = re.search(r"^    ([A-Z0-9]{4}(?:-[A-Z0-9]{4}){3})$", invited.stdout, re.MULTILINE)[1]

    joined = expressive(root, "therapists", "join", "--code", code, "--name", "Bea", passphrase=BEA)
    assert joined.returncode == 0, joined.stderr
    not_yet = expressive(root, "clients", passphrase=BEA, therapist="Bea")
    assert not_yet.returncode != 0 and "accepted" in not_yet.stderr and "Traceback" not in not_yet.stderr

    who = expressive(root, "clients", passphrase=ANA)
    assert who.returncode != 0 and "Say which one you are" in who.stderr
    clients = expressive(root, "--therapist", "Ana", "clients", passphrase=ANA)
    client_id = clients.stdout.split()[0]
    given = expressive(root, "therapists", "give", client_id, "Bea", "--therapist", "Ana", passphrase=ANA)
    assert given.returncode == 0, given.stderr
    assert "Robin (demo)" in expressive(root, "clients", passphrase=BEA, therapist="Bea").stdout
    listing = expressive(root, "therapists", passphrase=ANA, therapist="Ana").stdout
    assert "Ana  (you)" in listing and "Bea  (can unlock)" in listing

    taken = expressive(root, "therapists", "take", client_id, "Bea", passphrase=ANA, therapist="Ana")
    assert taken.returncode == 0, taken.stderr
    assert "No clients yet" in expressive(root, "clients", passphrase=BEA, therapist="Bea").stdout
    audit = expressive(root, "audit", passphrase=ANA, therapist="Ana")
    assert audit.returncode == 0 and "The audit log is intact" in audit.stdout
    assert re.search(r"take-access client c-\w+ \(t-\w+\) by t-\w+", audit.stdout)

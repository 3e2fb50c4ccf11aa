"""The synthetic large portfolio of the benchmarks is a real portfolio: it opens, lists in
order, reads back every file and passes `check`, exactly as one saved through the store."""

from expressive.portfolio import Portfolio
from expressive.tools.synthetic import BENCH_PASSPHRASE, CLIENT_NAME, build_large_portfolio
from sample_work import CHEAP_KDF, drawing_draft


def test_a_small_synthetic_portfolio_opens_lists_reads_and_checks_clean(tmp_path):
    draft = drawing_draft(title="Safe place")
    client_id = build_large_portfolio(
        tmp_path / "large", sessions=3, per_session=4, kdf=CHEAP_KDF, work=("drawing", draft)
    )
    with Portfolio.open(tmp_path / "large", passphrase=BENCH_PASSPHRASE) as store:
        assert [client.name for client in store.clients()] == [CLIENT_NAME]
        sessions = store.sessions(client_id)
        assert len(sessions) == 3
        assert [session.started for session in sessions] == sorted((s.started for s in sessions), reverse=True)
        artifacts = store.artifacts(client_id)
        assert len(artifacts) == 12
        newest = store.gallery(client_id, limit=1)[0]
        assert (newest.session_id, newest.id[:2]) == (sessions[0].id, "04")
        for artifact in artifacts:
            assert store.read_file(artifact, artifact.thumbnail) == draft.files["thumbnail.png"]
            assert store.verify_artifact(artifact) == []
        assert [a.id for a in store.gallery(client_id, search="safe")] == [a.id for a in store.gallery(client_id)]
        report = store.check()
        assert report.ok and report.notes == [] and report.artifacts_checked == 12
        # check rebuilt the index from the files: the same listing as the one written here.
        assert store.artifacts(client_id) == artifacts


def test_every_file_is_encrypted_under_its_own_place(tmp_path):
    draft = drawing_draft()
    build_large_portfolio(tmp_path / "large", sessions=1, per_session=2, kdf=CHEAP_KDF, work=("drawing", draft))
    thumbnails = sorted((tmp_path / "large").rglob("thumbnail.png"))
    assert len(thumbnails) == 2
    first, second = (path.read_bytes() for path in thumbnails)
    # One plaintext, two ciphertexts: the path is bound into each.
    assert first != second and draft.files["thumbnail.png"] not in first

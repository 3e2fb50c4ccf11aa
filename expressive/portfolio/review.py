"""Reviewing the work: the client's reflections and later noticings, the marks made while
replaying how it was made, tags and the star, and the gallery that pages through it all."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from expressive.i18n import N_, _
from expressive.limits import MAX_TITLE_CHARS, MAX_WORDS_CHARS

from .artifacts import Artifacts
from .clients import Clients
from .disk import Disk
from .documents import checked_marks, noticing_document
from .layout import Key
from .records import ArtifactRecord, Noticing, PortfolioError, RecordError, checked_words, utc
from .search import normalise_tag, normalise_tags, tag_term, words


class Review:
    def __init__(self, disk: Disk, clients: Clients, artifacts: Artifacts):
        self._disk = disk
        self._clients = clients
        self._artifacts = artifacts

    def set_reflection(self, artifact: ArtifactRecord, *, title: str, about: str) -> ArtifactRecord:
        if artifact.damaged:
            raise PortfolioError(_("The artifact {artifact} is damaged, so its reflection cannot be saved: {damaged}.").format(
                artifact=artifact.id, damaged=artifact.damaged))
        title = checked_words(title, N_("title"), MAX_TITLE_CHARS, one_line=True)
        about = checked_words(about, N_("reflection"), MAX_WORDS_CHARS)

        def reflect(doc: dict[str, Any]) -> None:
            doc["title"] = title
            reflection = doc.get("reflection")
            doc["reflection"] = {**(reflection if isinstance(reflection, dict) else {}), "about": about}

        return self._disk.rewrite(_key_of(artifact), reflect, action=_("save the reflection"))

    def set_marks(self, artifact: ArtifactRecord, marks: list[dict[str, Any]]) -> ArtifactRecord:
        if artifact.damaged:
            raise PortfolioError(_("The artifact {artifact} is damaged, so marks cannot be saved on it: {damaged}.").format(
                artifact=artifact.id, damaged=artifact.damaged))
        try:
            checked = checked_marks(marks)
        except RecordError as exc:
            raise PortfolioError(_("The marks cannot be saved: {error}.").format(error=exc)) from None

        def mark(doc: dict[str, Any]) -> None:
            doc["marks"] = list(checked)

        return self._disk.rewrite(_key_of(artifact), mark, action=_("save the marks"))

    def add_noticing(self, artifact: ArtifactRecord, text: str, at: datetime | None) -> ArtifactRecord:
        self._check_reviewable(artifact, _("what was noticed cannot be saved"))
        if not isinstance(text, str) or not text.strip():
            raise PortfolioError(_("What the client noticed is empty, so there is nothing to save."))
        text = checked_words(text, N_("reflection"), MAX_WORDS_CHARS)
        noticing = noticing_document(Noticing(at=utc(at), text=text.strip()))

        def notice(doc: dict[str, Any]) -> None:
            reflection = doc.get("reflection")
            reflection = dict(reflection) if isinstance(reflection, dict) else {}
            earlier = reflection.get("noticings")
            reflection["noticings"] = [*(earlier if isinstance(earlier, list) else []), noticing]
            doc["reflection"] = reflection

        return self._disk.rewrite(_key_of(artifact), notice, action=_("save what was noticed"))

    def set_tags(self, artifact: ArtifactRecord, tags: list[str]) -> ArtifactRecord:
        self._check_reviewable(artifact, _("its tags cannot be saved"))
        if isinstance(tags, str) or not hasattr(tags, "__iter__"):
            raise PortfolioError(_("The tags are given as a list of words, not {tags}.").format(tags=repr(tags)))
        try:
            normal = list(normalise_tags(
                checked_words(tag, N_("tag"), MAX_TITLE_CHARS, one_line=True) if isinstance(tag, str) else tag for tag in tags
            ))
        except ValueError as exc:
            raise PortfolioError(_("The tags cannot be saved: {error}.").format(error=exc)) from None

        def label(doc: dict[str, Any]) -> None:
            doc["tags"] = normal

        return self._disk.rewrite(_key_of(artifact), label, action=_("save the tags"))

    def set_star(self, artifact: ArtifactRecord, starred: bool) -> ArtifactRecord:
        self._check_reviewable(artifact, _("its star cannot be saved"))
        if not isinstance(starred, bool):
            raise PortfolioError(_("A piece of work is starred or not (True or False), not {starred}.").format(
                starred=repr(starred)))

        def star(doc: dict[str, Any]) -> None:
            doc["starred"] = starred

        return self._disk.rewrite(_key_of(artifact), star, action=_("save the star"))

    def _check_reviewable(self, artifact: ArtifactRecord, consequence: str) -> None:
        if artifact.damaged:
            raise PortfolioError(_("The artifact {artifact} is damaged, so {consequence}: {damaged}.").format(
                artifact=artifact.id, consequence=consequence, damaged=artifact.damaged))
        self._artifacts.get(artifact.client_id, artifact.session_id, artifact.id)

    def gallery(
        self,
        client_id: str,
        *,
        activity: str | None,
        tag: str | None,
        starred: bool | None,
        search: str | None,
        limit: int | None,
        offset: int,
    ) -> list[ArtifactRecord]:
        self._clients.get(client_id)
        for name, value in (("limit", limit), ("offset", offset)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
                raise PortfolioError(_("The gallery's {name} is a whole number of 0 or more, not {value}.").format(
                    name=name, value=repr(value)))
        if starred is not None and not isinstance(starred, bool):
            raise PortfolioError(_("The gallery's starred filter is True, False or None, not {starred}.").format(
                starred=repr(starred)))
        if activity is not None and not isinstance(activity, str):
            raise PortfolioError(_("The activity {activity} is not an activity id.").format(activity=repr(activity)))
        wanted_tag = None
        if tag is not None:
            if not isinstance(tag, str):
                raise PortfolioError(_("The tag {tag} is not a word.").format(tag=repr(tag)))
            wanted_tag = tag_term(normalise_tag(tag)) or None
        if search is not None and not isinstance(search, str):
            raise PortfolioError(_("The search {search} is not text.").format(search=repr(search)))
        return self._disk.index.gallery(
            client_id, activity=activity, tag=wanted_tag, starred=starred,
            words=words(search or ""), limit=limit, offset=offset or 0,
        )

    def tags(self, client_id: str) -> list[str]:
        self._clients.get(client_id)
        return self._disk.index.tags(client_id)


def _key_of(artifact: ArtifactRecord) -> Key:
    return (artifact.client_id, artifact.session_id, artifact.id)

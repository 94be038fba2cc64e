"""Services of the skills taxonomy: coordinators add, rename, merge skills and map the terms
users typed that the taxonomy did not know. Re-exported by ``volunteers.services``."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from soscience.accounts.models import User
from soscience.core.access import is_coordinator
from soscience.core.errors import DomainError
from soscience.core.models import Domain
from soscience.missions.models import MissionSkill
from soscience.volunteers.models import Skill, UnmatchedTerm, VolunteerSkill
from soscience.volunteers.search import SkillIndex, labels_of, normalise, synonym_list

SYNONYMS_MAX = Skill._meta.get_field("synonyms").max_length or 1000
TERM_MAX = UnmatchedTerm._meta.get_field("text").max_length or 120
SLUG_MAX = Skill._meta.get_field("slug").max_length or 80


def _require_coordinator(by: User) -> None:
    if not is_coordinator(by):
        raise DomainError(_("Only coordinators manage the skills taxonomy."))


def skill_lookup(text: str, language: str = "fr", *, limit: int | None = 10) -> list[Skill]:
    """Skills whose French or English name or synonyms match ``text`` (accents and case
    ignored; a whole label, its beginning, a whole word or the beginning of a word)."""
    return SkillIndex.load().lookup(text, language, limit)


def _clean_synonyms(synonyms: Sequence[str], *, names: Sequence[str]) -> str:
    """Synonyms trimmed, without repeats nor the skill's own names, comma-separated."""
    seen = {normalise(name) for name in names}
    kept = []
    for synonym in synonyms:
        text = " ".join(synonym.replace(",", " ").split())
        key = normalise(text)
        if key and key not in seen:
            seen.add(key)
            kept.append(text)
    joined = ", ".join(kept)
    if len(joined) > SYNONYMS_MAX:
        raise DomainError(
            _("The synonyms take more than %(max)d characters: remove some.")
            % {"max": SYNONYMS_MAX},
            field="synonyms",
        )
    return joined


def _check_names(*, name_fr: str, name_en: str, synonyms: str, skill: Skill | None) -> None:
    """Two skills may not answer to the same words: typed text must name one skill."""
    if not name_fr.strip():
        raise DomainError(_("Give the French name."), field="name_fr")
    if not name_en.strip():
        raise DomainError(_("Give the English name."), field="name_en")
    others = Skill.objects.exclude(pk=skill.pk) if skill else Skill.objects.all()
    taken = {label: other for other in others for label in labels_of(other)}
    wanted = [("name_fr", name_fr), ("name_en", name_en)]
    wanted += [("synonyms", s) for s in synonym_list(synonyms)]
    for field, text in wanted:
        other = taken.get(normalise(text))
        if other is not None:
            raise DomainError(
                _("“%(text)s” already names the skill “%(skill)s”: merge them or choose another.")
                % {"text": text.strip(), "skill": other.name},
                field=field,
            )


def _free_slug(name: str) -> str:
    base = (slugify(name) or "skill")[: SLUG_MAX - 4].strip("-")
    slug, n = base, 2
    while Skill.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def skill_create(
    *, by: User, name_fr: str, name_en: str, domain: Domain | None, synonyms: str = "",
    term: UnmatchedTerm | None = None,
) -> Skill:  # fmt: skip
    """Add a skill to the taxonomy; made from an unmatched ``term``, that term is mapped to
    it (and kept as a synonym when it is not one of the names)."""
    _require_coordinator(by)
    names = [name_fr.strip(), name_en.strip()]
    extra = [term.text] if term is not None else []
    cleaned = _clean_synonyms([*synonym_list(synonyms), *extra], names=names)
    _check_names(name_fr=names[0], name_en=names[1], synonyms=cleaned, skill=None)
    skill = Skill.objects.create(
        slug=_free_slug(names[1]), name_fr=names[0], name_en=names[1], domain=domain,
        synonyms=cleaned,
    )  # fmt: skip
    if term is not None:
        UnmatchedTerm.objects.filter(pk=term.pk).update(mapped_to=skill)
    return skill


@transaction.atomic
def skill_update(
    *, skill: Skill, by: User, name_fr: str, name_en: str, domain: Domain | None, synonyms: str
) -> Skill:
    """Rename a skill, change its domain and synonyms. The slug stays: links and the demo
    data keep working."""
    _require_coordinator(by)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    names = [name_fr.strip(), name_en.strip()]
    cleaned = _clean_synonyms(synonym_list(synonyms), names=names)
    _check_names(name_fr=names[0], name_en=names[1], synonyms=cleaned, skill=skill)
    skill.name_fr, skill.name_en, skill.domain, skill.synonyms = (*names, domain, cleaned)
    skill.save(update_fields=["name_fr", "name_en", "domain", "synonyms"])
    return skill


def skill_rename(*, skill: Skill, by: User, name_fr: str, name_en: str) -> Skill:
    """Rename a skill, keeping its domain and synonyms."""
    return skill_update(
        skill=skill, by=by, name_fr=name_fr, name_en=name_en, domain=skill.domain,
        synonyms=skill.synonyms,
    )  # fmt: skip


def _move_rows(model: type[VolunteerSkill] | type[MissionSkill], owner: str,
               source: Skill, target: Skill) -> list[int]:  # fmt: skip
    """Point ``model`` rows from ``source`` to ``target``; where the owner (a profile or a
    mission) already has ``target``, keep the higher of the two levels. Set-based, so that
    a skill held by thousands of volunteers merges in a few statements. Returns the owners'
    ids."""
    rows = model.objects.all()
    owners = list(rows.filter(skill=source).values_list(owner, flat=True))
    with_source = {f"{owner}__in": rows.filter(skill=source).values(owner)}
    with_target = {f"{owner}__in": rows.filter(skill=target).values(owner)}
    source_level = rows.filter(skill=source, **{owner: OuterRef(owner)}).values("level")[:1]
    rows.filter(skill=target, **with_source).update(
        level=Greatest(F("level"), Subquery(source_level))
    )
    rows.filter(skill=source, **with_target).delete()
    rows.filter(skill=source).update(skill=target)
    return owners


@transaction.atomic
def skill_merge(*, source: Skill, target: Skill, by: User) -> Skill:
    """Fold ``source`` into ``target``: volunteers' and missions' skills move over (keeping
    the higher level where both were named), the source's names become synonyms of the
    target, mapped terms follow, and the source is deleted."""
    _require_coordinator(by)
    if source.pk == target.pk:
        raise DomainError(_("Choose another skill to merge into."), field="target")
    # Locked in pk order: two coordinators merging A into B and B into A cannot deadlock;
    # the second is told one of the skills is gone.
    both = Skill.objects.select_for_update().filter(pk__in=[source.pk, target.pk]).order_by("pk")
    locked = {skill.pk: skill for skill in both}
    if len(locked) != 2:
        raise DomainError(_("One of the two skills no longer exists."), field="target")
    source, target = locked[source.pk], locked[target.pk]
    profiles = _move_rows(VolunteerSkill, "profile", source, target)
    _move_rows(MissionSkill, "mission", source, target)
    UnmatchedTerm.objects.filter(mapped_to=source).update(mapped_to=target)
    merged = [*synonym_list(target.synonyms), source.name_fr, source.name_en,
              *synonym_list(source.synonyms)]  # fmt: skip
    target.synonyms = _clean_synonyms(merged, names=[target.name_fr, target.name_en])
    target.save(update_fields=["synonyms"])
    source.delete()
    # Imported here: services re-exports this module.
    from soscience.volunteers.services import profiles_changed

    transaction.on_commit(partial(profiles_changed, profiles))
    return target


def _clean_term(text: str) -> str:
    return " ".join((text or "").split())[:TERM_MAX].strip()


@transaction.atomic
def unmatched_term_record(text: str) -> UnmatchedTerm | None:
    """Count one more use of a term the taxonomy does not know (case ignored), for
    coordinators to map. A term seen again after its mapping went away is shown again."""
    text = _clean_term(text)
    if not text:
        return None
    bump = {"count": F("count") + 1, "last_seen": timezone.now(), "mapped_to": None}
    if UnmatchedTerm.objects.filter(text__iexact=text).update(**bump):
        return UnmatchedTerm.objects.get(text__iexact=text)
    try:
        with transaction.atomic():
            return UnmatchedTerm.objects.create(text=text)
    except IntegrityError:
        # Someone typed it at the same moment: count theirs and ours.
        UnmatchedTerm.objects.filter(text__iexact=text).update(**bump)
        return UnmatchedTerm.objects.get(text__iexact=text)


@transaction.atomic
def unmatched_term_map(*, term: UnmatchedTerm, skill: Skill, by: User) -> UnmatchedTerm:
    """Say which skill a term means; the term becomes a synonym of the skill, so the next
    person who types it is understood."""
    _require_coordinator(by)
    skill = Skill.objects.select_for_update().get(pk=skill.pk)
    key = normalise(term.text)
    known = any(key in labels_of(other) for other in Skill.objects.all())
    if not known:
        skill.synonyms = _clean_synonyms(
            [*synonym_list(skill.synonyms), term.text], names=[skill.name_fr, skill.name_en]
        )
        skill.save(update_fields=["synonyms"])
    term.mapped_to = skill
    term.save(update_fields=["mapped_to"])
    return term

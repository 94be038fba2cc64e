"""The processing activities (GDPR art. 30 register), shown to coordinators and summarised on
the public privacy notice. docs/privacy.md says the same in prose: change both together."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from soscience.privacy.export import Kind, kinds


@dataclass(frozen=True)
class Activity:
    name: Promise
    purpose: Promise
    data: Promise
    basis: Promise
    retention: Promise
    recipients: Promise


ACTIVITIES: tuple[Activity, ...] = (
    Activity(
        _("Accounts"),
        _("Let people sign in and act in their role."),
        _(
            "Name, email address, language, password hash, roles, dates of sign-up and last "
            "login, second-factor devices."
        ),
        _("Contract (terms of use)."),
        _(
            "While the account is used; anonymised after the configured years of inactivity "
            "(warned 30 days before), or at once on request."
        ),
        _("The coordination team."),
    ),
    Activity(
        _("Volunteer profiles and matching"),
        _("Suggest missions that fit a volunteer's skills and availability."),
        _(
            "Campus, programme, year, bio, skills and levels, languages, city and country, "
            "availability windows, notification choices."
        ),
        _("Consent (recorded with its date and text version; withdrawn from the profile)."),
        _("Deleted when the account is erased or anonymised."),
        _(
            "The coordination team; a mission's supervisor and organisation see an applicant's "
            "profile."
        ),
    ),
    Activity(
        _("Applications and missions"),
        _("Select teams, run missions, record hours and deliverables, issue certificates."),
        _(
            "Applications and motivation, team places, news and replies, hours, files uploaded, "
            "equipment loans, closing surveys, certificates."
        ),
        _(
            "Contract, and the legitimate interest of the organisations helped in a record of "
            "their missions."
        ),
        _(
            "Kept with the mission; after erasure attributed to “Former volunteer”. "
            "Certificates keep the text that was printed so they can still be verified."
        ),
        _("The mission's team, supervisor and organisation; the coordination team."),
    ),
    Activity(
        _("Organisations and needs"),
        _("Check that an organisation is eligible and turn its needs into missions."),
        _("Members' names and email addresses, proof documents, needs and their attachments."),
        _("Contract, and legitimate interest in checking eligibility."),
        _(
            "Kept while the organisation is a partner; a member's account follows the account "
            "rules."
        ),
        _("The organisation's members and the coordination team."),
    ),
    Activity(
        _("Events and campus network"),
        _("Organise events and relay missions on partner campuses."),
        _(
            "Registrations (name, email, attendance), ambassadors, share links and their "
            "visits, working groups and their posts and files."
        ),
        _("Consent for visitors' registrations; legitimate interest for the network."),
        _("Registrations are anonymised with the account."),
        _("The event's organisers, the campus's ambassador, the coordination team."),
    ),
    Activity(
        _("Notifications and mail"),
        _("Tell people what concerns them, as often as they chose."),
        _("Notifications, notification preferences, outgoing mail, campus digest choice."),
        _("Contract; consent for the campus digest."),
        _("Deleted with the account."),
        _("The mail provider (processor), to deliver the mail."),
    ),
    Activity(
        _("Publications"),
        _("Publish testimonials and public cases in the solutions library."),
        _("The testimonial and the organisation's name, the mission's summary."),
        _("Consent of the organisation (recorded with its date and text version)."),
        _("Until the consent is withdrawn."),
        _("Everyone (public pages)."),
    ),
    Activity(
        _("Security and audit"),
        _("Protect accounts and trace sensitive actions."),
        _("Audit log (who, what, when, address and browser), consents, API token fingerprints."),
        _("Legal obligation and legitimate interest in security."),
        _("The audit log is append-only; actors are kept as a name."),
        _("The coordination team."),
    ),
)


def data_kinds() -> list[tuple[str, Kind]]:
    """The kinds of personal data, as their models name them, for the notice."""
    seen: dict[str, Kind] = {}
    for kind in kinds():
        seen.setdefault(str(kind.model._meta.verbose_name_plural).capitalize(), kind)
    return sorted(seen.items())

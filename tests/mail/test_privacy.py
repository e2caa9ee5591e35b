"""Erasing a person reaches the outbox (SECURITY P2): no address, name or .eml file is left."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from outreach.audit.services import acting_as
from outreach.contacts.privacy import erase_contact
from outreach.extensions import db
from outreach.mail.models import MailPurpose, OutboxMessage, OutboxStatus
from outreach.mail.outbox import Recipient, enqueue, new_mailing
from outreach.mail.worker import deliver_due
from tests import factories
from tests.mail.conftest import rows


def test_p2_erasure_anonymises_the_outbox_and_deletes_the_person_s_files(app):
    meeting = factories.make_future_meeting()
    contact = factories.make_contact("Ng", "Zoë", emails=["Zoe.Ng@Mission.example"])
    other = factories.make_contact("Dupont", "Marie", emails=["marie@mission.example"])
    invitation = factories.make_invitation(meeting, contact)
    mailing = new_mailing(MailPurpose.TEST, meeting=meeting)
    messages = enqueue(
        mailing,
        [
            Recipient("zoe.ng@mission.example", "t:1", "Zoë Ng", invitation_id=invitation.id),
            Recipient("zoe.ng@mission.example", "t:2", "Zoë Ng"),
            Recipient("Zoe.Ng@mission.example", "t:3", "Zoë Ng"),
            Recipient("marie@mission.example", "t:4", "Marie Dupont"),
        ],
    )
    db.session.commit()
    sent, queued, bounced, unrelated = (m.id for m in messages)
    deliver_due()  # no mail server: every message becomes a file
    written = {row.id: Path(app.instance_path) / row.eml_path for row in rows([sent, unrelated])}
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == queued)
        .values(status=OutboxStatus.DEFERRED, eml_path=None, last_error="450 busy")
    )
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == bounced)
        .values(status=OutboxStatus.FAILED, last_error="550 5.1.1 <ZOE.NG@mission.example> unknown")
    )
    db.session.commit()

    with acting_as("test"):
        erase_contact(contact)

    erased = rows([sent, queued, bounced])
    assert {(row.to_address, row.to_name) for row in erased} == {("erased@invalid", "")}
    assert [row.status for row in erased] == [
        OutboxStatus.SENT,
        OutboxStatus.CANCELLED,
        OutboxStatus.FAILED,
    ]
    assert erased[2].last_error == "550 5.1.1 <erased@invalid> unknown"
    assert erased[0].eml_path is None and not written[sent].exists()
    kept = rows([unrelated])[0]
    assert (kept.to_address, kept.to_name) == ("marie@mission.example", "Marie Dupont")
    assert written[unrelated].exists()
    everything = " ".join(
        f"{m.to_address} {m.to_name} {m.last_error}"
        for m in db.session.scalars(sa.select(OutboxMessage))
    ).lower()
    assert "zoe" not in everything and "zoë" not in everything
    assert other.emails[0].address == "marie@mission.example"

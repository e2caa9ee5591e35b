"""Meetings: kind, code, title, times in UTC with their zone, place, status and calendar identity.

Revision ID: 0005
Revises: 0004

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "msp",
                "review_conference",
                "intersessional",
                "coordination_committee",
                "informal_consultation",
                "workshop",
                "bilateral",
                "other",
                name="meetingkind",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=30), nullable=True),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("venue", sa.String(length=300), nullable=False),
        sa.Column("room", sa.String(length=120), nullable=False),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("organiser_email", sa.String(length=254), nullable=False),
        sa.Column("rsvp_deadline", sa.Date(), nullable=True),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft",
                "scheduled",
                "cancelled",
                name="meetingstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("uid", sa.String(length=255), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("president_state_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status = 'draft' OR (starts_at IS NOT NULL AND ends_at IS NOT NULL)",
            name=op.f("ck_meeting_dated"),
        ),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_meeting_order")),
        sa.ForeignKeyConstraint(
            ["president_state_id"], ["state.id"], name=op.f("fk_meeting_president_state_id_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
        sa.UniqueConstraint("code", name=op.f("uq_meeting_code")),
        sa.UniqueConstraint("uid", name=op.f("uq_meeting_uid")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_kind"), ["kind"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_president_state_id"), ["president_state_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_meeting_starts_at"), ["starts_at"], unique=False)


def downgrade():
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_starts_at"))
        batch_op.drop_index(batch_op.f("ix_meeting_president_state_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_kind"))

    op.drop_table("meeting")

"""Dialogues with their status history, engagement stages, obligations and Article 7 reports.

Revision ID: 0004
Revises: 0003

"""

import sqlalchemy as sa
from alembic import context, op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article7_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("initial", "annual", name="reportkind", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_id"], ["state.id"], name=op.f("fk_article7_report_state_id_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_article7_report")),
        sa.UniqueConstraint("state_id", "kind", "year", name=op.f("uq_article7_report_state_id")),
    )
    with op.batch_alter_table("article7_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article7_report_state_id"), ["state_id"], unique=False)

    op.create_table(
        "dialogue",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "not_started",
                "active",
                "stalled",
                "concluded",
                name="dialoguestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("position", sa.Text(), nullable=False),
        sa.Column("next_step", sa.String(length=500), nullable=False),
        sa.Column("next_step_due", sa.Date(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["thematic_area.id"], name=op.f("fk_dialogue_area_id_thematic_area")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_dialogue_created_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["state_id"], ["state.id"], name=op.f("fk_dialogue_state_id_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue")),
        sa.UniqueConstraint("state_id", "area_id", name=op.f("uq_dialogue_state_id")),
    )
    with op.batch_alter_table("dialogue", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dialogue_area_id"), ["area_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_dialogue_next_step_due"), ["next_step_due"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_dialogue_state_id"), ["state_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_dialogue_status"), ["status"], unique=False)

    op.create_table(
        "engagement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column(
            "stage",
            sa.Enum(
                "no_contact",
                "first_contact",
                "engaged",
                "considering",
                "domestic_process",
                "instrument_deposited",
                name="stage",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_id"], ["state.id"], name=op.f("fk_engagement_state_id_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_engagement")),
        sa.UniqueConstraint("state_id", name=op.f("uq_engagement_state_id")),
    )
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_engagement_stage"), ["stage"], unique=False)

    op.create_table(
        "obligation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("article", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("original_deadline", sa.Date(), nullable=True),
        sa.Column("extended_deadline", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "unknown",
                "in_progress",
                "completed",
                name="obligationstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("article IN (3, 4)", name=op.f("ck_obligation_article")),
        sa.ForeignKeyConstraint(
            ["state_id"], ["state.id"], name=op.f("fk_obligation_state_id_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_obligation")),
        sa.UniqueConstraint("state_id", "article", name=op.f("uq_obligation_state_id")),
    )
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_obligation_state_id"), ["state_id"], unique=False)

    op.create_table(
        "stage_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("state_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "old_stage",
            sa.Enum(
                "no_contact",
                "first_contact",
                "engaged",
                "considering",
                "domestic_process",
                "instrument_deposited",
                name="stage",
                native_enum=False,
                length=30,
            ),
            nullable=True,
        ),
        sa.Column(
            "new_stage",
            sa.Enum(
                "no_contact",
                "first_contact",
                "engaged",
                "considering",
                "domestic_process",
                "instrument_deposited",
                name="stage",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("since", sa.Date(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["state_id"],
            ["state.id"],
            name=op.f("fk_stage_event_state_id_state"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_stage_event_user_id_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stage_event")),
    )
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_event_state_id"), ["state_id"], unique=False)

    op.create_table(
        "dialogue_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "old_status",
            sa.Enum(
                "not_started",
                "active",
                "stalled",
                "concluded",
                name="dialoguestatus",
                native_enum=False,
                length=20,
            ),
            nullable=True,
        ),
        sa.Column(
            "new_status",
            sa.Enum(
                "not_started",
                "active",
                "stalled",
                "concluded",
                name="dialoguestatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor_label", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_dialogue_event_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_dialogue_event_user_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dialogue_event")),
    )
    with op.batch_alter_table("dialogue_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_dialogue_event_dialogue_id"), ["dialogue_id"], unique=False
        )

    op.create_table(
        "dialogue_user",
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_dialogue_user_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_dialogue_user_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("dialogue_id", "user_id", name=op.f("pk_dialogue_user")),
    )
    op.create_table(
        "extension_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.Integer(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("requested_deadline", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "submitted",
                "under_analysis",
                "granted",
                "refused",
                "withdrawn",
                name="extensionstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("decided_at_meeting", sa.String(length=60), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("new_deadline", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["obligation_id"],
            ["obligation.id"],
            name=op.f("fk_extension_request_obligation_id_obligation"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_extension_request")),
    )
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_extension_request_obligation_id"), ["obligation_id"], unique=False
        )

    op.create_table(
        "interaction_dialogue",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("dialogue_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["dialogue_id"],
            ["dialogue.id"],
            name=op.f("fk_interaction_dialogue_dialogue_id_dialogue"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interaction.id"],
            name=op.f("fk_interaction_dialogue_interaction_id_interaction"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "interaction_id", "dialogue_id", name=op.f("pk_interaction_dialogue")
        ),
    )
    # A follow-up may now be about a dialogue. SQLite cannot add a foreign key to a table:
    # online, the table is copied; for a SQL script (no table to reflect), the column carries
    # its reference inline.
    sqlite = op.get_context().dialect.name == "sqlite"
    if sqlite and context.is_offline_mode():
        op.execute(
            "ALTER TABLE followup ADD COLUMN dialogue_id INTEGER "
            "REFERENCES dialogue (id) ON DELETE CASCADE"
        )
    else:
        with op.batch_alter_table("followup") as batch_op:
            batch_op.add_column(sa.Column("dialogue_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f("fk_followup_dialogue_id_dialogue"),
                "dialogue",
                ["dialogue_id"],
                ["id"],
                ondelete="CASCADE",
            )
    op.create_index(op.f("ix_followup_dialogue_id"), "followup", ["dialogue_id"], unique=False)


def downgrade():
    with op.batch_alter_table("followup", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_followup_dialogue_id_dialogue"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_followup_dialogue_id"))
        batch_op.drop_column("dialogue_id")

    op.drop_table("interaction_dialogue")
    with op.batch_alter_table("extension_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_extension_request_obligation_id"))

    op.drop_table("extension_request")
    op.drop_table("dialogue_user")
    with op.batch_alter_table("dialogue_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_event_dialogue_id"))

    op.drop_table("dialogue_event")
    with op.batch_alter_table("stage_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_event_state_id"))

    op.drop_table("stage_event")
    with op.batch_alter_table("obligation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_obligation_state_id"))

    op.drop_table("obligation")
    with op.batch_alter_table("engagement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_engagement_stage"))

    op.drop_table("engagement")
    with op.batch_alter_table("dialogue", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dialogue_status"))
        batch_op.drop_index(batch_op.f("ix_dialogue_state_id"))
        batch_op.drop_index(batch_op.f("ix_dialogue_next_step_due"))
        batch_op.drop_index(batch_op.f("ix_dialogue_area_id"))

    op.drop_table("dialogue")
    with op.batch_alter_table("article7_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article7_report_state_id"))

    op.drop_table("article7_report")

"""Keep the audit trail's details (reasons, export filters, edits) in rows erasure may blank.

Records written from now on (format 2) seal a salted digest of their details instead of the
details themselves, so erasing them keeps the chain whole. Records written before keep their
format 1: their hashes, and every chain head published so far, stay as they were; their
details move to the new table but stay sealed, and so cannot be erased.

Downgrading moves the details back; format-2 records then no longer verify, with the old code
or after upgrading again (they would be taken for format 1).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 22:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # The foreign key comes last: on SQLite, changing audit_events copies it to a new table
    # and drops the old one, and with foreign keys on, that drop would delete the details.
    op.create_table(
        'audit_details',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('salt', sa.String(length=32), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('data', sa.Text(), nullable=True),
        sa.Column('erased_at', sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_audit_details')),
    )
    op.execute("INSERT INTO audit_details (event_id, reason, data) "
               "SELECT id, reason, data FROM audit_events "
               "WHERE reason IS NOT NULL OR data IS NOT NULL")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False,
                                      server_default='1'))
        batch_op.add_column(sa.Column('details_digest', sa.String(length=64), nullable=True))
        batch_op.drop_column('reason')
        batch_op.drop_column('data')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.alter_column('version', server_default=None)
    with op.batch_alter_table('audit_details', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_audit_details_event_id_audit_events'),
                                    'audit_events', ['event_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('audit_details', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_audit_details_event_id_audit_events'),
                                 type_='foreignkey')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('data', sa.Text(), nullable=True))
    op.execute("UPDATE audit_events SET "
               "reason = (SELECT reason FROM audit_details WHERE event_id = audit_events.id), "
               "data = (SELECT data FROM audit_details WHERE event_id = audit_events.id)")
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('details_digest')
        batch_op.drop_column('version')
    op.drop_table('audit_details')

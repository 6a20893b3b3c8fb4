"""Signers' corrections wait beside the published version; moderators get a daily digest.

A correction of a published endorsement no longer sends it back to review: the proposal waits
in ``corrections`` (one per endorsement) until a moderator accepts or refuses it. Accounts gain
a language and a digest switch; ``digests_sent`` holds one row per account and day, so the
digest goes out once a day however many senders run.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-01 21:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'corrections',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('endorsement_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('category', sa.Enum('ngo', 'union', 'education', 'health', 'legal', 'faith',
                                      'youth', 'local_authority', 'research', 'company', 'other',
                                      name='category', native_enum=False, length=32),
                  nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('region', sa.Enum('antwerp', 'limburg', 'east_flanders', 'west_flanders',
                                    'flemish_brabant', 'brussels', 'walloon_brabant', 'hainaut',
                                    'liege', 'luxembourg', 'namur', 'abroad', name='region',
                                    native_enum=False, length=32), nullable=False),
        sa.Column('website', sa.String(length=300), nullable=True),
        sa.Column('statement', sa.String(length=500), nullable=True),
        sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['endorsement_id'], ['endorsements.id'],
                                name=op.f('fk_corrections_endorsement_id_endorsements'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_corrections')),
        sa.UniqueConstraint('endorsement_id', name=op.f('uq_corrections_endorsement_id')),
        sqlite_autoincrement=True,  # a replaced proposal's id is never given to the next one
    )
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_corrections_proposed_at'), ['proposed_at'],
                              unique=False)
    op.create_table(
        'digests_sent',
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_digests_sent_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('user_id', 'day', name=op.f('pk_digests_sent')),
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('language', sa.String(length=2), nullable=True))
        batch_op.add_column(sa.Column('digest', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('digest', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('digest')
        batch_op.drop_column('language')
    op.drop_table('digests_sent')
    with op.batch_alter_table('corrections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_corrections_proposed_at'))
    op.drop_table('corrections')

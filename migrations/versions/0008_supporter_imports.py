"""Import the organisations that signed before the site existed, from a CSV file.

A table for each imported file (and for an uploaded one waiting for its import), and two
columns on endorsements: the file an entry came in, and how its organisation gave consent.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 20:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'supporter_imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('filename', sa.String(length=200), nullable=False),
        sa.Column('status', sa.Enum('pending', 'imported', 'undone', name='importstatus',
                                    native_enum=False, length=32), nullable=False),
        sa.Column('created_by', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('language', sa.String(length=2), nullable=True),
        sa.Column('consent_note', sa.String(length=500), nullable=True),
        sa.Column('claim_mails', sa.Boolean(), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('imported', sa.Integer(), nullable=False),
        sa.Column('skipped', sa.Integer(), nullable=False),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_supporter_imports')),
    )
    with op.batch_alter_table('supporter_imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supporter_imports_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_note', sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_endorsements_import_id'), ['import_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_endorsements_import_id_supporter_imports'),
                                    'supporter_imports', ['import_id'], ['id'],
                                    ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_endorsements_import_id_supporter_imports'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_endorsements_import_id'))
        batch_op.drop_column('import_id')
        batch_op.drop_column('consent_note')
    with op.batch_alter_table('supporter_imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supporter_imports_sha256'))
    op.drop_table('supporter_imports')

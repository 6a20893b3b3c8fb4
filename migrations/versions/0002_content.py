"""Content pages, FAQ, documents and logos, edited and uploaded through the console.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 21:35:57.927251

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    # The newest supporters and the Atom feed read approvals by date.
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.create_index('ix_endorsements_state_approved', ['state', 'approved_at'],
                              unique=False)

    op.create_table('content_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_content_pages_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_pages')),
    sa.UniqueConstraint('slug', 'language', name=op.f('uq_content_pages_slug'))
    )
    op.create_table('documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_documents_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_documents')),
    sa.UniqueConstraint('slug', 'language', name=op.f('uq_documents_slug'))
    )
    op.create_table('faq_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_faq_items_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_items')),
    sa.UniqueConstraint('key', 'language', name=op.f('uq_faq_items_key'))
    )
    op.create_table('logos',
    sa.Column('endorsement_id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('consent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['endorsement_id'], ['endorsements.id'], name=op.f('fk_logos_endorsement_id_endorsements'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('endorsement_id', name=op.f('pk_logos'))
    )
    # ### end Alembic commands ###


def downgrade():
    with op.batch_alter_table('endorsements', schema=None) as batch_op:
        batch_op.drop_index('ix_endorsements_state_approved')

    op.drop_table('logos')
    op.drop_table('faq_items')
    op.drop_table('documents')
    op.drop_table('content_pages')
    # ### end Alembic commands ###

"""The campaign's lists (FAQ, experts, testimonies, position sections), photos and brand images.

The FAQ moves from one row per question to one list per language, so admins can add, remove
and reorder questions: a language whose questions were edited gets the built-in questions it
was showing, with its edits, in their order; a language never edited keeps the built-in list.

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-01 21:00:00

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_lists',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('items', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by'], ['users.id'], name=op.f('fk_content_lists_updated_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_lists')),
    sa.UniqueConstraint('name', 'language', name=op.f('uq_content_lists_name'))
    )
    op.create_table('content_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_content_images_uploaded_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_images'))
    )
    op.create_table('brand_images',
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by'], ['users.id'], name=op.f('fk_brand_images_uploaded_by_users')),
    sa.PrimaryKeyConstraint('kind', name=op.f('pk_brand_images'))
    )
    _move_faq()
    op.drop_table('faq_items')


def _move_faq():
    """Each edited language's FAQ becomes one list: built-in questions first, edited or not,
    then those admins added, as the site showed them."""
    from endorse.content.defaults import FAQ  # the built-in questions as this release has them

    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT key, language, position, question, answer, updated_at, updated_by "
        "FROM faq_items ORDER BY language, position, id")).mappings().all()
    by_language = {}
    for row in rows:
        by_language.setdefault(row['language'], []).append(row)
    for language, edited in by_language.items():
        stored = {row['key']: row for row in edited}
        items = []
        for key, texts in FAQ:
            row = stored.pop(key, None)
            question, answer = (row['question'], row['answer']) if row else texts.get(language, texts['en'])
            items.append({'key': key, 'question': question, 'answer': answer})
        for row in stored.values():
            items.append({'key': row['key'], 'question': row['question'], 'answer': row['answer']})
        last = max(edited, key=lambda r: r['updated_at'])
        # The dates are copied as the database holds them (text on SQLite).
        bind.execute(sa.text(
            "INSERT INTO content_lists (name, language, items, updated_at, updated_by) "
            "VALUES ('faq', :language, :items, :updated_at, :updated_by)"),
            {'language': language, 'items': json.dumps(items, ensure_ascii=False),
             'updated_at': last['updated_at'], 'updated_by': last['updated_by']})


def downgrade():
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
    bind = op.get_bind()
    lists = bind.execute(sa.text(
        "SELECT language, items, updated_at, updated_by FROM content_lists WHERE name = 'faq'"
    )).mappings().all()
    for row in lists:
        for position, item in enumerate(json.loads(row['items'])):
            bind.execute(sa.text(
                "INSERT INTO faq_items (key, language, position, question, answer, updated_at, "
                "updated_by) VALUES (:key, :language, :position, :question, :answer, "
                ":updated_at, :updated_by)"),
                {'key': item['key'], 'language': row['language'], 'position': position,
                 'question': item['question'][:300], 'answer': item['answer'],
                 'updated_at': row['updated_at'], 'updated_by': row['updated_by']})
    op.drop_table('brand_images')
    op.drop_table('content_images')
    op.drop_table('content_lists')

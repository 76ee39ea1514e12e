"""search: the index outbox and the PostgreSQL backend's documents

`search_outbox` holds the index jobs each change writes in its own transaction (drained by
the one search writer); `search_documents` the documents of the PostgreSQL full-text
backend, with a GIN index over their 'simple' tsvector (PostgreSQL only: on SQLite the
Whoosh backend is used and the table stays empty).

Revision ID: d5e8a1c3f7b9
Revises: c3a9e5f1d2b7
Create Date: 2026-12-01 13:30:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'd5e8a1c3f7b9'
down_revision = 'c3a9e5f1d2b7'
branch_labels = None
depends_on = None

TSVECTOR = ("(setweight(to_tsvector('simple'::regconfig, words), 'A') || "
            "setweight(to_tsvector('simple'::regconfig, grams), 'D'))")


def upgrade():
    op.create_table('search_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_outbox'))
    )
    op.create_table('search_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('doc_type', sa.String(length=32), nullable=False),
    sa.Column('doc_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('title_grams', sa.Text(), server_default='', nullable=False),
    sa.Column('words', sa.Text(), server_default='', nullable=False),
    sa.Column('grams', sa.Text(), server_default='', nullable=False),
    sa.Column('discipline', sa.String(length=64), nullable=True),
    sa.Column('category', sa.String(length=64), nullable=True),
    sa.Column('tags', sa.Text(), server_default='', nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_documents')),
    sa.UniqueConstraint('doc_type', 'doc_id', name='uq_search_documents_doc')
    )
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_documents_created_at'), ['created_at'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f"CREATE INDEX ix_search_documents_tsv ON search_documents USING gin ({TSVECTOR})")
        op.execute("CREATE INDEX ix_search_documents_title_tsv ON search_documents "
                   "USING gin (to_tsvector('simple'::regconfig, title_grams))")


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP INDEX IF EXISTS ix_search_documents_title_tsv")
        op.execute("DROP INDEX IF EXISTS ix_search_documents_tsv")
    with op.batch_alter_table('search_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_documents_created_at'))
    op.drop_table('search_documents')
    op.drop_table('search_outbox')

"""science hub: categories, tags, articles and videos under the editorial workflow,
reading history, and the map's science-education bases

Revision ID: c3a9e5f1d2b7
Revises: c4a7e2f9d315
Create Date: 2026-12-01 13:37:37.644110

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3a9e5f1d2b7'
down_revision = 'c4a7e2f9d315'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('science_bases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('type', sa.String(length=32), nullable=False),
    sa.Column('city', sa.String(length=40), server_default='', nullable=False),
    sa.Column('province', sa.String(length=40), server_default='', nullable=False),
    sa.Column('address', sa.String(length=200), server_default='', nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('opening_hours', sa.String(length=200), server_default='', nullable=False),
    sa.Column('phone', sa.String(length=60), server_default='', nullable=False),
    sa.Column('website', sa.String(length=200), server_default='', nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('photo_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_science_bases')),
    sa.UniqueConstraint('name', name=op.f('uq_science_bases_name'))
    )
    with op.batch_alter_table('science_bases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_science_bases_city'), ['city'], unique=False)
        batch_op.create_index('ix_science_bases_lon_lat', ['lon', 'lat'], unique=False)
        batch_op.create_index(batch_op.f('ix_science_bases_type'), ['type'], unique=False)

    op.create_table('science_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_science_categories')),
    sa.UniqueConstraint('name', name=op.f('uq_science_categories_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_science_categories_slug'))
    )
    op.create_table('science_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=24), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_science_tags')),
    sa.UniqueConstraint('name', name=op.f('uq_science_tags_name'))
    )
    op.create_table('science_articles',
    sa.Column('summary', sa.String(length=500), server_default='', nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('cover_key', sa.String(length=64), nullable=True),
    sa.Column('read_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('expert', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('featured', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_science_articles_author_id_users')),
    sa.ForeignKeyConstraint(['category_id'], ['science_categories.id'], name=op.f('fk_science_articles_category_id_science_categories')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_science_articles_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_science_articles')),
    sa.UniqueConstraint('slug', name=op.f('uq_science_articles_slug'))
    )
    with op.batch_alter_table('science_articles', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_science_articles_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_science_articles_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_science_articles_category_published', ['category_id', 'published_at', 'id'], unique=False)
        batch_op.create_index('ix_science_articles_published_id', ['published_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_science_articles_state'), ['state'], unique=False)

    op.create_table('science_videos',
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('transcript', sa.Text(), server_default='', nullable=False),
    sa.Column('duration', sa.Integer(), server_default='0', nullable=False),
    sa.Column('file_key', sa.String(length=64), nullable=True),
    sa.Column('mime', sa.String(length=32), nullable=True),
    sa.Column('size', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('poster_key', sa.String(length=64), nullable=True),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=80), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('expert', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('featured', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_science_videos_author_id_users')),
    sa.ForeignKeyConstraint(['category_id'], ['science_categories.id'], name=op.f('fk_science_videos_category_id_science_categories')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_science_videos_reviewer_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_science_videos')),
    sa.UniqueConstraint('slug', name=op.f('uq_science_videos_slug'))
    )
    with op.batch_alter_table('science_videos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_science_videos_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_science_videos_category_id'), ['category_id'], unique=False)
        batch_op.create_index('ix_science_videos_published_id', ['published_at', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_science_videos_state'), ['state'], unique=False)

    op.create_table('science_article_reads',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('read_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['science_articles.id'], name=op.f('fk_science_article_reads_article_id_science_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_science_article_reads_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_science_article_reads')),
    sa.UniqueConstraint('user_id', 'article_id', name='uq_science_article_reads_user_article')
    )
    with op.batch_alter_table('science_article_reads', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_science_article_reads_user_id'), ['user_id'], unique=False)

    op.create_table('science_article_tags',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['science_articles.id'], name=op.f('fk_science_article_tags_article_id_science_articles'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['science_tags.id'], name=op.f('fk_science_article_tags_tag_id_science_tags'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'tag_id', name=op.f('pk_science_article_tags'))
    )
    with op.batch_alter_table('science_article_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_science_article_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('science_video_tags',
    sa.Column('video_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['tag_id'], ['science_tags.id'], name=op.f('fk_science_video_tags_tag_id_science_tags'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['video_id'], ['science_videos.id'], name=op.f('fk_science_video_tags_video_id_science_videos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('video_id', 'tag_id', name=op.f('pk_science_video_tags'))
    )
    with op.batch_alter_table('science_video_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_science_video_tags_tag_id'), ['tag_id'], unique=False)



def downgrade():
    with op.batch_alter_table('science_video_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_science_video_tags_tag_id'))

    op.drop_table('science_video_tags')
    with op.batch_alter_table('science_article_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_science_article_tags_tag_id'))

    op.drop_table('science_article_tags')
    with op.batch_alter_table('science_article_reads', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_science_article_reads_user_id'))

    op.drop_table('science_article_reads')
    with op.batch_alter_table('science_videos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_science_videos_state'))
        batch_op.drop_index('ix_science_videos_published_id')
        batch_op.drop_index(batch_op.f('ix_science_videos_category_id'))
        batch_op.drop_index(batch_op.f('ix_science_videos_author_id'))

    op.drop_table('science_videos')
    with op.batch_alter_table('science_articles', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_science_articles_state'))
        batch_op.drop_index('ix_science_articles_published_id')
        batch_op.drop_index('ix_science_articles_category_published')
        batch_op.drop_index(batch_op.f('ix_science_articles_category_id'))
        batch_op.drop_index(batch_op.f('ix_science_articles_author_id'))

    op.drop_table('science_articles')
    op.drop_table('science_tags')
    op.drop_table('science_categories')
    with op.batch_alter_table('science_bases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_science_bases_type'))
        batch_op.drop_index('ix_science_bases_lon_lat')
        batch_op.drop_index(batch_op.f('ix_science_bases_city'))

    op.drop_table('science_bases')

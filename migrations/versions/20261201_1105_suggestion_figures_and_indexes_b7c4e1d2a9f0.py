"""suggestion figures settled at the answer, leaders' cached figures, list and queue indexes

Adds `answer_working_days` and `answer_deadline` to suggestions (what an answer settles,
stored once) and backfills them for answered suggestions; the `suggestion_leader_figures`
cache; and the indexes the public list, its filters and counts, the queues and the inbox
read through.

Revision ID: b7c4e1d2a9f0
Revises: b7c1e2d3a4f5
Create Date: 2026-12-01 11:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = 'b7c4e1d2a9f0'
down_revision = 'b7c1e2d3a4f5'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('suggestion_leader_figures',
    sa.Column('leader_id', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['leader_id'], ['users.id'], name=op.f('fk_suggestion_leader_figures_leader_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('leader_id', name=op.f('pk_suggestion_leader_figures'))
    )
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answer_working_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('answer_deadline', sa.String(length=16), nullable=True))
        batch_op.create_index('ix_suggestions_list', ['visibility', 'hidden_at', 'created_at', 'id', 'state'],
                              unique=False)
        batch_op.create_index('ix_suggestions_category_list',
                              ['category_id', 'visibility', 'hidden_at', 'created_at', 'id', 'state'], unique=False)
        batch_op.create_index('ix_suggestions_supported_list',
                              ['visibility', 'hidden_at', 'support_count', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_suggestions_state_due', ['state', 'due_date'], unique=False)
        # The staff queues "联名达标" and "已隐藏" and their counts.
        batch_op.create_index(batch_op.f('ix_suggestions_threshold_reached_at'), ['threshold_reached_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_suggestions_hidden_at'), ['hidden_at'], unique=False)
        batch_op.create_index('ix_suggestions_leader_state_due', ['assigned_leader_id', 'state', 'due_date'],
                              unique=False)
    with op.batch_alter_table('suggestion_answers', schema=None) as batch_op:
        batch_op.create_index('ix_suggestion_answers_leader_published', ['leader_id', 'published_at'], unique=False)
        batch_op.create_index('ix_suggestion_answers_published', ['published_at'], unique=False)
    _backfill()


def _backfill():
    """The settled figures of suggestions answered before this migration, counted as
    webapp.suggestions.services.figures does (working days in the site's calendar and zone)."""
    from webapp.core.workdays import WorkCalendar, deadline_status, local_date, working_days_between

    cal, zone = WorkCalendar(), None
    try:
        from flask import current_app

        from webapp.core.timeutil import local_zone

        cal = WorkCalendar.from_file(current_app.config.get('WORK_CALENDAR_FILE') or '')
        zone = local_zone()
    except (RuntimeError, OSError, ValueError):
        from zoneinfo import ZoneInfo

        zone = ZoneInfo('Asia/Shanghai')
    suggestions = sa.table('suggestions', sa.column('id', sa.Integer), sa.column('state', sa.String),
                           sa.column('accepted_at', sa.DateTime), sa.column('answered_at', sa.DateTime),
                           sa.column('due_date', sa.Date), sa.column('long_due_date', sa.Date),
                           sa.column('answer_working_days', sa.Integer), sa.column('answer_deadline', sa.String))
    conn = op.get_bind()
    rows = conn.execute(sa.select(suggestions.c.id, suggestions.c.accepted_at, suggestions.c.answered_at,
                                  suggestions.c.due_date, suggestions.c.long_due_date).where(
        suggestions.c.state.in_(('answered', 'closed')), suggestions.c.answered_at.isnot(None),
        suggestions.c.accepted_at.isnot(None))).all()
    updates = []
    for row in rows:
        answered_on = local_date(row.answered_at, zone)
        updates.append({
            'sid': row.id,
            'days': working_days_between(local_date(row.accepted_at, zone), answered_on, cal),
            'status': deadline_status(row.due_date, row.long_due_date, answered_on, answered_on),
        })
    if updates:
        conn.execute(suggestions.update().where(suggestions.c.id == sa.bindparam('sid')).values(
            answer_working_days=sa.bindparam('days'), answer_deadline=sa.bindparam('status')), updates)
    # The leaders' figures from the settled ones (the same recount the services' flushes run).
    from webapp.suggestions.services.figures import recount

    recount(conn)


def downgrade():
    with op.batch_alter_table('suggestion_answers', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestion_answers_published')
        batch_op.drop_index('ix_suggestion_answers_leader_published')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_leader_state_due')
        batch_op.drop_index(batch_op.f('ix_suggestions_hidden_at'))
        batch_op.drop_index(batch_op.f('ix_suggestions_threshold_reached_at'))
        batch_op.drop_index('ix_suggestions_state_due')
        batch_op.drop_index('ix_suggestions_supported_list')
        batch_op.drop_index('ix_suggestions_category_list')
        batch_op.drop_index('ix_suggestions_list')
        batch_op.drop_column('answer_deadline')
        batch_op.drop_column('answer_working_days')
    op.drop_table('suggestion_leader_figures')

"""The search outbox (index jobs written in the changing transaction) and the documents
table of the PostgreSQL backend."""
from webapp.core.db import utcnow
from webapp.extensions import db


class SearchJob(db.Model):
    """"Document (doc_type, doc_id) changed": written by the flush that changed it, in the same
    transaction, so a committed change always has its job and a rolled-back one never has.
    The one writer re-reads the object and updates the index, then deletes the job."""

    __tablename__ = "search_outbox"

    id = db.Column(db.Integer, primary_key=True)
    doc_type = db.Column(db.String(32), nullable=False)
    doc_id = db.Column(db.Integer, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)


class SearchDocument(db.Model):
    """One indexed document of the PostgreSQL backend. `words` and `grams` hold the analyzer's
    tokens separated by spaces; the migration indexes
    `setweight(to_tsvector('simple', words), 'A') || setweight(to_tsvector('simple', grams), 'D')`
    with GIN (PostgreSQL only; on SQLite the table exists but no backend reads it)."""

    __tablename__ = "search_documents"
    __table_args__ = (
        db.UniqueConstraint("doc_type", "doc_id", name="uq_search_documents_doc"),
        # PostgreSQL only (the migration creates them there); the backend's query repeats these
        # very expressions so that the planner uses them.
        db.Index("ix_search_documents_tsv", db.text(
            "(setweight(to_tsvector('simple'::regconfig, words), 'A'::\"char\") || "
            "setweight(to_tsvector('simple'::regconfig, grams), 'D'::\"char\"))"),
            postgresql_using="gin").ddl_if(dialect="postgresql"),
        db.Index("ix_search_documents_title_tsv", db.text("to_tsvector('simple'::regconfig, title_grams)"),
                 postgresql_using="gin").ddl_if(dialect="postgresql"),
    )

    id = db.Column(db.Integer, primary_key=True)
    doc_type = db.Column(db.String(32), nullable=False)
    doc_id = db.Column(db.Integer, nullable=False)
    title = db.Column(db.Text, nullable=False)
    title_grams = db.Column(db.Text, nullable=False, default="", server_default="")
    words = db.Column(db.Text, nullable=False, default="", server_default="")
    grams = db.Column(db.Text, nullable=False, default="", server_default="")
    discipline = db.Column(db.String(64))
    category = db.Column(db.String(64))
    tags = db.Column(db.Text, nullable=False, default="", server_default="")
    created_at = db.Column(db.DateTime, nullable=False, index=True)

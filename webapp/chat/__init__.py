"""Real-time chat (交流): rooms of forum boards and salons, direct messages, presence, typing,
unread counts, moderation, and live notifications, over Flask-SocketIO."""


def init_app(app):
    from webapp.chat import api, events, live, views  # noqa: F401  (api registers its routes)
    from webapp.chat import demo as chat_demo
    from webapp.chat.models import ChatAction
    from webapp.core import audit, demo, nav

    app.register_blueprint(views.bp)
    app.jinja_env.filters["chat_text"] = views.chat_text
    audit.register_actions(ChatAction)
    nav.register_section(app, "chat", "chat.index", ("chat",))
    demo.register_seeder(app, "chat", chat_demo.seed_demo)
    live.init_app(app)
    events.register(app)

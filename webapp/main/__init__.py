"""Site-wide pages: the home page, the placeholders of sections not built yet, the site's own
pages (关于本站, 联系我们, 隐私政策, 用户协议: Markdown in content/pages/) and the readable API
reference (开放接口)."""
from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from webapp.core.content import load_page
from webapp.core.nav import built_section
from webapp.core.text import render_markdown

bp = Blueprint("main", __name__, template_folder="../templates")

# Navigation: section key → (title, short description). Sections whose capability is
# not built yet render a page that says so plainly.
SECTIONS = {
    "suggestions": ("建言献策", "向实名认证的科协领导提出意见建议，公开答复、限时办理。"),
    "forum": ("科技社区", "按学科划分的科技社区论坛，交流学术、结识同行。"),
    "science": ("科普", "科普文章、科普微视与科普教育基地电子地图。"),
    "salons": ("学术沙龙", "会员发起学术沙龙，同行报名参加。"),
    "review": ("论文评审", "学会征文、专家匿名评审、排名与评定。"),
    "chat": ("交流", "科技工作者实时交流。"),
    "search": ("搜索", "全站中文全文搜索。"),
}


# The site's own pages, linked from the footer: name → title (content/pages/<name>.md).
SITE_PAGES = {"about": "关于本站", "contact": "联系我们", "privacy": "隐私政策", "terms": "用户协议"}


def init_app(app):
    app.register_blueprint(bp)


@bp.app_template_global()
def section_url(key):
    built = built_section(key)
    return url_for(built[0]) if built else url_for("main.coming_soon", key=key)


@bp.app_template_global()
def section_active(key):
    """True on the pages of section `key` (its nav link is highlighted)."""
    if request.endpoint == "main.coming_soon":
        return (request.view_args or {}).get("key") == key
    built = built_section(key)
    return bool(built) and request.blueprint in built[1]


@bp.route("/")
def index():
    return render_template("main/index.html", sections=SECTIONS)


@bp.route("/section/<key>")
def coming_soon(key):
    if key not in SECTIONS:
        abort(404)
    if built_section(key):
        # An old link to a section that has since opened.
        return redirect(section_url(key))
    title, description = SECTIONS[key]
    return render_template("main/coming_soon.html", key=key, title=title, description=description)


@bp.route("/favicon.ico")
def favicon():
    # Browsers and crawlers ask for /favicon.ico whatever the page's <link rel="icon"> says.
    response = current_app.send_static_file("img/favicon.ico")
    response.cache_control.no_cache = None
    response.cache_control.public = True
    response.cache_control.max_age = 7 * 24 * 3600
    return response


@bp.route("/healthz")
def healthz():
    return {"status": "ok"}


@bp.route("/<any(about, contact, privacy, terms):name>")
def site_page(name):
    return render_template("main/site_page.html", name=name, title=SITE_PAGES[name],
                           body=render_markdown(load_page(name)), pages=SITE_PAGES)


@bp.route("/api/")
def api_reference():
    from webapp.api import openapi_document
    from webapp.main.api_reference import reference

    # Walked once per application, as the document itself is built once.
    ref = current_app.extensions.get("api_reference")
    if ref is None:
        ref = current_app.extensions["api_reference"] = reference(openapi_document())
    return render_template("main/api_reference.html", ref=ref)

"""Staff pages for suggestions: the screening and assignment queues, and the managed lists
(categories, standard reasons for not accepting).

The actions on one suggestion (screen, assign, close, hide…) are forms on the suggestion's
own page (`suggestions.detail`); the queues list and link there. Every page needs a staff
member or an administrator (anonymous → login, others → 403); the services check again.
"""
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from webapp.core.errors import PermissionDenied, ServiceError
from webapp.core.forms import flash_service_error, show_service_error, uploaded
from webapp.core.pagination import paginate, parse_page_args
from webapp.core.permissions import staff_required
from webapp.core.text import quoted
from webapp.suggestions import services
from webapp.suggestions.forms_manage import LeaderProfileForm, ListItemForm, ToggleForm
from webapp.suggestions.models import ScreeningReason, Suggestion, SuggestionCategory

bp = Blueprint("suggestions_manage", __name__, url_prefix="/admin/suggestions", template_folder="templates")


@bp.before_request
@staff_required
def _staff_only():
    """Anonymous visitors are sent to the login page, members and leaders get 403."""


# ---------------------------------------------------------------- queues

@bp.route("/")
def queue():
    key = request.args.get("queue") or "screening"
    if key not in services.STAFF_QUEUES:
        key = "screening"
    page, per_page = parse_page_args(request.args, default_per_page=25)
    counts = services.staff_queue_counts(current_user, with_all=True)
    # The tab's count is the page's total (the capped "all" one counts as its cap).
    total = counts[key] if isinstance(counts[key], int) else services.ALL_COUNT_CAP
    result = paginate(services.staff_queue(current_user, key), page, per_page, total=total)
    services.with_people(result.items)
    return render_template("suggestions/manage_queue.html", queue=key, queues=services.STAFF_QUEUES,
                           counts=counts, page=result, today=services.today(),
                           deadlines={s.id: services.deadline(s) for s in result.items})


# ---------------------------------------------------------------- a leader's page: 分工 and photo

@bp.route("/leaders/<int:leader_id>", methods=["GET", "POST"])
def leader_profile(leader_id):
    leader = services.get_leader(leader_id)
    if request.method == "GET":
        form = LeaderProfileForm(formdata=None, responsibilities=services.responsibilities(leader))
        return render_template("suggestions/manage_leader.html", leader=leader, form=form)
    form = LeaderProfileForm()
    try:
        services.save_leader_profile(current_user, leader, responsibilities=form.responsibilities.data or "",
                                     photo=uploaded(form.photo))
    except PermissionDenied:
        raise
    except ServiceError as exc:
        status = show_service_error(form, exc)
        if form.photo.data and not form.photo.errors:
            form.photo.errors = ["请重新选择照片"]
        return render_template("suggestions/manage_leader.html", leader=leader, form=form), status
    flash(f"已更新 {leader.real_name or leader.display_name} 的领导页面。", "success")
    return redirect(url_for("leaders.detail", leader_id=leader.id))


# ---------------------------------------------------------------- managed lists

@dataclass(frozen=True)
class ManagedList:
    """What differs between the category list and the reason list."""

    key: str               # endpoint of the list page
    title: str             # page heading
    noun: str              # what one item is called
    model: type
    label_attr: str        # the model's name column ("name" / "title")
    usage_column: object   # Suggestion column pointing at an item, for the usage counts
    hint: str

    def items(self):
        getter = services.categories if self.model is SuggestionCategory else services.screening_reasons
        return getter(include_inactive=True)

    def save(self, actor, label, item_id=None, active=None, position=None):
        if self.model is SuggestionCategory:
            return services.save_category(actor, label, category_id=item_id, active=active, position=position)
        return services.save_screening_reason(actor, label, reason_id=item_id, active=active, position=position)

    def get(self, item_id):
        return services.managed_item(self.model, item_id, self.noun)

    def usage(self):
        return services.usage_counts(self.usage_column)


LISTS = {
    "categories": ManagedList(
        "categories", "建议分类", "分类", SuggestionCategory, "name", Suggestion.category_id,
        "写建议时可选的分类。停用的分类不再出现在写建议的表单中，已有建议仍保留原分类。"),
    "reasons": ManagedList(
        "reasons", "不予受理理由", "理由", ScreeningReason, "title", Suggestion.screening_reason_id,
        "不予受理时须选择一条标准理由，建议人会看到理由和补充说明。停用的理由不再可选，已有记录不受影响。"),
}


def _apply_errors(form, exc, managed):
    """The service's problems under this form's fields (its label field is `name` here)."""
    # Under the field, "已有同名分类" and "请填写名称" read better than the short "已存在" and "必填".
    wording = {"已存在": exc.message, "必填": "请填写名称"}
    fields = {("name" if name == managed.label_attr else name): wording.get(message, message)
              for name, message in (exc.fields or {}).items()}
    show_service_error(form, exc, fields=fields, flash_unplaced=True)


def _render_list(managed, add_form=None, failed_id=None, failed_form=None, status=200):
    return render_template(
        "suggestions/manage_list.html", managed=managed, items=managed.items(), usage=managed.usage(),
        add_form=add_form or ListItemForm(formdata=None), failed_id=failed_id, failed_form=failed_form,
        toggle_form=ToggleForm(formdata=None),
    ), status


def _list_page(key):
    managed = LISTS[key]
    if request.method == "GET":
        services.require_staff(current_user)
        return _render_list(managed)
    form = ListItemForm()
    if not form.validate_on_submit():
        return _render_list(managed, add_form=form, status=422)
    try:
        item = managed.save(current_user, form.name.data, position=form.position.data)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        _apply_errors(form, exc, managed)
        return _render_list(managed, add_form=form, status=exc.status)
    flash(f"已添加{managed.noun}{quoted(getattr(item, managed.label_attr))}", "success")
    return redirect(url_for(f"suggestions_manage.{key}"))


def _save_item(key, item_id):
    managed = LISTS[key]
    item = managed.get(item_id)
    form = ListItemForm()
    if not form.validate_on_submit():
        return _render_list(managed, failed_id=item.id, failed_form=form, status=422)
    try:
        managed.save(current_user, form.name.data, item_id=item.id, position=form.position.data)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        _apply_errors(form, exc, managed)
        return _render_list(managed, failed_id=item_id, failed_form=form, status=exc.status)
    flash(f"已保存{managed.noun}{quoted(getattr(item, managed.label_attr))}", "success")
    return redirect(url_for(f"suggestions_manage.{key}"))


def _set_active(key, item_id, active):
    managed = LISTS[key]
    item = managed.get(item_id)
    form = ToggleForm()
    if not form.validate_on_submit():  # CSRF is checked app-wide; this is belt and braces
        return _render_list(managed, status=400)
    label = getattr(item, managed.label_attr)
    try:
        managed.save(current_user, label, item_id=item.id, active=active)
    except PermissionDenied:
        raise
    except ServiceError as exc:
        flash_service_error(exc)
        return redirect(url_for(f"suggestions_manage.{key}"))
    flash(f"已{'启用' if active else '停用'}{managed.noun}{quoted(label)}", "success")
    return redirect(url_for(f"suggestions_manage.{key}"))


@bp.route("/categories", methods=["GET", "POST"])
def categories():
    return _list_page("categories")


@bp.route("/categories/<int:item_id>", methods=["POST"])
def save_category(item_id):
    return _save_item("categories", item_id)


@bp.route("/categories/<int:item_id>/deactivate", methods=["POST"])
def deactivate_category(item_id):
    return _set_active("categories", item_id, False)


@bp.route("/categories/<int:item_id>/activate", methods=["POST"])
def activate_category(item_id):
    return _set_active("categories", item_id, True)


@bp.route("/reasons", methods=["GET", "POST"])
def reasons():
    return _list_page("reasons")


@bp.route("/reasons/<int:item_id>", methods=["POST"])
def save_reason(item_id):
    return _save_item("reasons", item_id)


@bp.route("/reasons/<int:item_id>/deactivate", methods=["POST"])
def deactivate_reason(item_id):
    return _set_active("reasons", item_id, False)


@bp.route("/reasons/<int:item_id>/activate", methods=["POST"])
def activate_reason(item_id):
    return _set_active("reasons", item_id, True)

"""Salons API: propose, file, review, register, calendar files, the staff report."""
from flask import Response
from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import page_from_list, page_of
from webapp.core.errors import NotFound
from webapp.core.permissions import guard, require_staff
from webapp.salons import services
from webapp.salons.schemas import (
    FeedArgs,
    RegistrationSchema,
    ReportArgs,
    ReviewSchema,
    RoomSchema,
    SalonCreateSchema,
    SalonListArgs,
    SalonReportSchema,
    SalonSchema,
)
from webapp.salons.services import rules
from webapp.salons.services.listing import list_salons

TAGS = ["salons"]
ICS = {"type": "string", "x-media-type": "text/calendar", "description": "An iCalendar (RFC 5545) file"}
CSV = {"type": "string", "description": "The report as CSV (UTF-8 with BOM)"}


def _salon(salon_id):
    return services.get_salon(salon_id, current_user)


def _may(rule):
    def before(salon_id):
        guard(rule(current_user, _salon(salon_id)))

    return before


def ics_response(data, filename):
    return Response(data, mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "private, no-store"})


@api_route("/salons", methods=["GET"], summary="Approved salons (upcoming by default), or the caller's own",
           tags=TAGS, query=SalonListArgs, responses={200: page_of(SalonSchema)}, endpoint="list_salons")
def list_salons_api(page, per_page, when, mine, discipline=None, state=None):
    items = list_salons(current_user, discipline=discipline, when=when, state=state, mine=mine)
    return page_from_list(items, page, per_page)


@api_route("/salons", methods=["POST"], summary="Propose a salon (a draft: file it to the association next)",
           tags=TAGS, auth=True, request=SalonCreateSchema, responses={201: SalonSchema}, endpoint="propose_salon",
           description="Times in ISO 8601 with an offset; stored in UTC. Offline and hybrid salons need a room "
                       "(`room_id`) or an `address`; online and hybrid ones an `online_url`.")
def propose_salon(title, discipline, description, format, capacity, start, end, registration_deadline,
                  requires_approval=False, speakers=(), room_id=None, address=None, online_url=None):
    return services.propose(current_user, title, discipline, description, format, capacity, start, end,
                            registration_deadline, room_id=room_id, address=address or "",
                            online_url=online_url or "", requires_approval=requires_approval,
                            speakers=list(speakers or []))


@api_route("/salons/rooms", methods=["GET"], summary="The rooms a salon can be held in, with their capacity",
           tags=TAGS, responses={200: page_of(RoomSchema)}, endpoint="list_salon_rooms", query=None)
def list_salon_rooms():
    rooms = services.rooms()
    return page_from_list(rooms, 1, max(len(rooms), 1))


@api_route("/salons/<int:salon_id>", methods=["GET"], summary="A salon, with places left and the caller's registration",
           description="404 for a salon not approved yet, unless the caller is its host or staff.",
           tags=TAGS, responses={200: SalonSchema}, endpoint="get_salon")
def get_salon(salon_id):
    return _salon(salon_id)


@api_route("/salons/<int:salon_id>/file", methods=["POST"], summary="File (报备) a draft or returned salon (host)",
           description="422 with `fields.start` naming the earliest start date allowed when the salon starts "
                       "fewer than SALON_FILE_DAYS_BEFORE days from today; 422 `fields.room_id` naming the salon "
                       "that already holds the room.",
           tags=TAGS, auth=True, before=_may(rules.why_not_file), responses={200: SalonSchema}, errors=[403, 409, 422],
           endpoint="file_salon")
def file_salon(salon_id):
    salon = _salon(salon_id)
    services.file_salon(current_user, salon)
    return salon


@api_route("/salons/<int:salon_id>/review", methods=["POST"], summary="Approve or return a filed salon (staff)",
           tags=TAGS, auth=True, before=_may(rules.why_not_review), request=ReviewSchema,
           responses={200: SalonSchema}, errors=[403, 409], endpoint="review_salon")
def review_salon(salon_id, decision, comment=None):
    salon = _salon(salon_id)
    return services.review(current_user, salon, decision, comment or "")


@api_route("/salons/<int:salon_id>/registration", methods=["POST"], summary="Register for a salon",
           description="`registered` when a place was left, else `waiting` (with the position in the waiting "
                       "list), or `pending` when the host confirms registrations. 201 for a new registration, "
                       "200 when the caller was already registered. 409 registration_closed after the deadline.",
           tags=TAGS, auth=True, before=_may(rules.why_not_register),
           responses={201: RegistrationSchema, 200: RegistrationSchema}, errors=[403, 409],
           endpoint="register_for_salon")
def register_for_salon(salon_id):
    salon = _salon(salon_id)
    before = services.registration_of(current_user, salon)
    was_active = before is not None and before.status != "cancelled"
    reg = services.register(current_user, salon)
    return reg, 200 if was_active else 201


@api_route("/salons/<int:salon_id>/registration", methods=["DELETE"], summary="Cancel the caller's registration",
           description="A freed place goes to the first person waiting, who is notified.",
           tags=TAGS, auth=True, before=_may(rules.why_not_cancel_registration),
           responses={200: RegistrationSchema}, errors=[403, 409], endpoint="cancel_salon_registration")
def cancel_salon_registration(salon_id):
    return services.cancel_registration(current_user, _salon(salon_id))


@api_route("/salons/<int:salon_id>/ics", methods=["GET"], summary="The salon as an iCalendar file",
           tags=TAGS, responses={200: ICS}, endpoint="salon_ics")
def salon_ics(salon_id):
    salon = _salon(salon_id)
    return ics_response(services.salon_ics(salon), f"salon-{salon.id}.ics")


@api_route("/me/calendar.ics", methods=["GET"], summary="The private iCalendar feed of the caller's salons",
           description="Authenticated by the secret `token` of the feed URL (shown on 我的沙龙, revocable), so "
                       "calendar apps can subscribe; 404 for an unknown or revoked token.",
           tags=TAGS, query=FeedArgs, responses={200: ICS}, errors=[404], endpoint="salon_feed")
def salon_feed(token):
    user = services.user_for_feed_token(token)
    if user is None:
        raise NotFound("订阅链接无效或已被重置")
    return ics_response(services.feed_ics(user), "salons.ics")


@api_route("/salons/report", methods=["GET"], summary="Salons report for a period (staff); ?format=csv for CSV",
           tags=TAGS, auth=True, query=ReportArgs, responses={200: SalonReportSchema}, media={200: {"text/csv": CSV}},
           errors=[403], endpoint="salon_report")
def salon_report(to, format, from_=None):
    require_staff(current_user)
    data = services.report(current_user, from_, to)
    if format == "csv":
        return Response(services.report_csv(data).encode("utf-8"), mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="salons-{from_}-{to}.csv"'}), 200
    return data

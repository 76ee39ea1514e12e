"""Notifications API: the caller's notifications, the unread count, marking read."""
from flask_login import current_user

from webapp.api import api_route
from webapp.api.schemas import page_of
from webapp.core.pagination import paginate
from webapp.notifications import services
from webapp.notifications.schemas import MarkedCountSchema, NotificationListArgs, NotificationSchema, UnreadCountSchema

TAGS = ["notifications"]


@api_route("/notifications", methods=["GET"], summary="The caller's notifications, newest first", tags=TAGS,
           auth=True, query=NotificationListArgs, responses={200: page_of(NotificationSchema)})
def list_notifications(unread, page, per_page):
    return paginate(services.notifications_for(current_user, unread_only=unread), page, per_page)


@api_route("/notifications/unread-count", methods=["GET"], summary="How many of the caller's notifications are unread",
           tags=TAGS, auth=True, responses={200: UnreadCountSchema})
def notifications_unread_count():
    return {"unread": services.unread_count(current_user)}


@api_route("/notifications/<int:notification_id>/read", methods=["POST"], summary="Mark one notification read",
           tags=TAGS, auth=True, responses={200: NotificationSchema})
def mark_notification_read(notification_id):
    return services.mark_read(current_user, notification_id)


@api_route("/notifications/read-all", methods=["POST"], summary="Mark all the caller's notifications read",
           tags=TAGS, auth=True, responses={200: MarkedCountSchema})
def mark_all_notifications_read():
    return {"marked": services.mark_all_read(current_user)}

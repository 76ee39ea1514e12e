"""The salon services: proposals and filing, registration and the waiting list, after the
salon, the calendar and iCalendar, the staff report. Import from here."""
from webapp.salons.services.after import (  # noqa: F401
    SLIDES_KIND,
    attendance_count,
    check_in,
    file_report,
    is_report_late,
    late_reports,
    referenced_slides,
    report_due,
    reports_outstanding,
    save_minutes,
    send_reminders,
    set_attendance,
    slides_path,
    upload_slides,
)
from webapp.salons.services.calendar import (  # noqa: F401
    feed_ics,
    feed_salons,
    feed_token,
    month,
    my_salons,
    past,
    reset_feed_token,
    revoke_feed_token,
    salon_ics,
    upcoming,
    user_for_feed_token,
)
from webapp.salons.services.proposals import (  # noqa: F401
    approve,
    cancel,
    earliest_start_date,
    edit,
    file_salon,
    get_salon,
    propose,
    review,
    room_conflict,
    rooms,
    save_room,
    send_back,
    speaker_warnings,
    today,
)
from webapp.salons.services.registration import (  # noqa: F401
    cancel_registration,
    decide_registration,
    promote_waiting,
    register,
    registration_of,
    registrations,
    waiting_position,
)
from webapp.salons.services.report import report, report_csv  # noqa: F401
from webapp.salons.services.rules import permissions  # noqa: F401

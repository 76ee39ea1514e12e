"""Form helpers shared by the HTML views."""


def show_service_error(form, exc, default_field=None):
    """Put a ServiceError on the form; returns the status to re-render with.

    Field messages go under their fields; the overall message goes on top unless it
    only repeats a field message. Errors without fields can be aimed at
    `default_field` (e.g. an upload refused by core.uploads).
    """
    fields = dict(exc.fields)
    if not fields and default_field:
        fields[default_field] = exc.message
    for name, message in fields.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
        else:
            form.form_errors.append(message)
    if exc.message not in fields.values():
        form.form_errors.append(exc.message)
    return exc.status

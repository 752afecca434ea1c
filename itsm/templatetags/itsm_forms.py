"""Bootstrap classes for Django form widgets, set at render time so forms stay plain."""

from django import forms, template

register = template.Library()


@register.filter
def bootstrap(bound_field):
    widget = bound_field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        # The class would land on the wrapper, not the inputs; site.css styles these.
        return bound_field.as_widget(attrs={"class": "choice-list"})
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select | forms.SelectMultiple):
        css = "form-select"
    else:
        css = "form-control"
    if bound_field.errors:
        css += " is-invalid"
    existing = widget.attrs.get("class", "")
    if "form-control" in existing or "form-select" in existing:
        css = existing + (" is-invalid" if bound_field.errors else "")
    return bound_field.as_widget(attrs={"class": css})


@register.filter
def has_field_errors(form) -> bool:
    """Errors on fields, not only on the form as a whole (those need no "correct these")."""
    return any(name != forms.forms.NON_FIELD_ERRORS for name in form.errors)

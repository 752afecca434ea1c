"""A select rendered in Python: Django's Select renders one template per <option>.

The queue page draws five selects (filters and bulk dispatch) with ~60 categories and
every staff member; through the template engine that was a fifth of the page's time.
Same markup, same attributes, same selected option; only the renderer differs.
"""

from html import escape

from django import forms
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        selected = {str(v) for v in self.format_value(value)}
        final = {"name": name, **self.build_attrs(self.attrs, attrs)}
        parts = ["<select", *_attrs(final), ">"]
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # an optgroup
                parts.append(format_html('<optgroup label="{}">', option_value))
                parts.extend(_option(v, text, selected) for v, text in label)
                parts.append("</optgroup>")
            else:
                parts.append(_option(option_value, label, selected))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every part escaped above)


def _attrs(attrs) -> list[str]:
    """Attributes in the order given, as Django's widget template writes them."""
    parts = []
    for key, value in attrs.items():
        if value is True:
            parts.append(f" {escape(key)}")
        elif value is not False and value is not None:
            parts.append(f' {escape(key)}="{_text(value)}"')
    return parts


def _text(value) -> str:
    """Escaped text (Django's conditional_escape, without its per-call lazy wrapper)."""
    if hasattr(value, "__html__"):
        return str(value.__html__())
    return escape(str(value))


def _option(value, label, selected) -> str:
    value = "" if value is None else str(value)
    chosen = " selected" if value in selected else ""
    return f'<option value="{escape(value)}"{chosen}>{_text(label)}</option>'


def plain_choices(field, rows) -> list:
    """A model choice field's options from (pk, label) rows, with its empty label first."""
    empty = [("", field.empty_label)] if getattr(field, "empty_label", None) is not None else []
    return [*empty, *rows]


class CategoryCascadeSelect(forms.Select):
    """The fault category as one grouped select (works without scripts), carrying the
    category tree as JSON for category_cascade.js, which turns it into linked selects:
    problem type → system type → fault type. The select stays the submitted field."""

    def __init__(self, attrs=None, choices=(), *, tree=None):
        super().__init__(attrs, choices)
        self.tree = tree or {}

    def render(self, name, value, attrs=None, renderer=None):
        select = super().render(name, value, attrs, renderer)
        data_id = f"{(attrs or {}).get('id') or self.attrs.get('id') or name}-tree"
        # json_script escapes <, > and & so a category name cannot end the script element.
        data = json_script(self.tree, data_id)
        return format_html('<div data-category-cascade="{}">{}{}</div>', data_id, select, data)


class KnowledgePickInput(forms.TextInput):
    """The resolve form's "knowledge record used": a text field for the record's number,
    which is all it is without scripts. With htmx (loaded on every page), words typed
    into it fetch matching published records (incidents:knowledge_pick) as buttons, and
    choosing one has the server draw the field again with that number filled in."""

    template_name = "incidents/widgets/knowledge_pick.html"
    chosen = ""  # "D0303-… · title" under the field once a suggestion was picked

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        widget["attrs"].update(
            {
                "hx-get": reverse("incidents:knowledge_pick"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": f"#{widget['attrs']['id']}-choices",
                "hx-sync": "this:replace",
            }
        )
        widget["chosen"] = self.chosen
        return context

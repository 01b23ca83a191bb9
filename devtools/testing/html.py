"""The forms on a rendered page, read as a browser would: what a test may post back."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Form:
    action: str
    method: str
    # What the browser would send as it stands (hidden and text inputs, selected options).
    fields: dict[str, str] = field(default_factory=dict)
    # Every name the form can send, with the values offered (select options, radios,
    # checkboxes); free-text fields offer none.
    offered: dict[str, list[str]] = field(default_factory=dict)


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(action=a.get("action", ""), method=a.get("method", "get").lower())
            self.forms.append(self._form)
            return
        form, name = self._form, a.get("name")
        if form is None:
            return
        if tag == "select" and name:
            self._select = name
            form.offered.setdefault(name, [])
        elif tag == "option" and self._select:
            value = a.get("value", "")
            form.offered[self._select].append(value)
            if "selected" in a or self._select not in form.fields:
                form.fields[self._select] = value
        elif tag in ("input", "textarea") and name:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            offered = form.offered.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                offered.append(a.get("value", "on"))
                if "checked" in a:
                    form.fields[name] = a.get("value", "on")
            else:
                form.fields.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def forms_in(html: str) -> list[Form]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms

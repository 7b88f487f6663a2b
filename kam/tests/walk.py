"""Every page of the product, opened as each role: the URLconf's patterns, their path
parameters filled with real objects of the demo company.

The walk does not know the apps' pages. It starts from every pattern without parameters and
follows the links, form actions and htmx URLs each page offers (`href`, `action`, `hx-get`,
`hx-post`), one URL per pattern and person; a pattern with parameters is reached through a
page that links to it, with the objects that page shows. A page another engineer adds is
walked as soon as a page links to it, and `unreached()` names the patterns no page led to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from django.db import transaction
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from lxml import html as lxml_html

LINK_ATTRIBUTES = ("href", "action", "hx-get", "hx-post")
# Not pages: files served before Django, and sign-out (which would end the walk's session).
SKIP_PREFIXES = ("/static/", "/media/")
SKIP_NAMES = {"logout", "admin:logout", "set_language"}


@dataclass
class Page:
    user: str
    url: str
    name: str
    status: int
    headers: dict[str, str]
    html: str = ""
    error: str = ""


@dataclass
class Walk:
    pages: list[Page] = field(default_factory=list)
    names: set[str] = field(default_factory=set)
    usernames: set[str] = field(default_factory=set)
    kinds: set[str] = field(default_factory=set)  # of the notifications the demo holds

    def html_pages(self) -> Iterator[Page]:
        for page in self.pages:
            if page.status == 200 and page.html:
                yield page


def pattern_names(patterns=None, namespace: str = "") -> Iterator[tuple[str, bool]]:
    """(view name, takes parameters) for every named pattern of the URLconf."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            inner = f"{namespace}{p.namespace}:" if p.namespace else namespace
            has_params = bool(p.pattern.regex.groupindex) or "(?P<" in p.pattern.regex.pattern
            for name, params in pattern_names(p.url_patterns, inner):
                yield name, params or has_params
        elif isinstance(p, URLPattern) and p.name:
            yield namespace + p.name, bool(p.pattern.regex.groupindex)


def _starts() -> list[str]:
    urls = []
    for name, has_params in pattern_names():
        if has_params or name in SKIP_NAMES:
            continue
        try:
            urls.append(reverse(name))
        except Exception:  # noqa: BLE001 - a pattern reverse() cannot build without input
            continue
    return sorted(set(urls))


def links(html: str) -> Iterable[str]:
    try:
        tree = lxml_html.fromstring(html)
    except Exception:  # noqa: BLE001 - an empty or non-HTML body has no links
        return []
    found = []
    for attribute in LINK_ATTRIBUTES:
        for value in tree.xpath(f"//@{attribute}"):
            url, _fragment = urldefrag(str(value).strip())
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or not parts.path.startswith("/"):
                continue
            if parts.path.startswith(SKIP_PREFIXES):
                continue
            found.append(url)
    return found


def _name(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def walk_as(user, walk: Walk, *, limit: int = 1200, per_name: int = 2) -> None:
    """Open every page this user reaches, up to two URLs per view name: what a page links to
    can depend on its object's state (a final period offers no targets, a scored one does)."""
    client = Client()
    client.force_login(user)
    queue = _starts()
    seen_names: dict[str, int] = {}
    seen_urls: set[str] = set()
    opened = 0
    while queue and opened < limit:
        url = queue.pop(0)
        name = _name(url)
        if name is None or name in SKIP_NAMES or url in seen_urls:
            continue
        if seen_names.get(name, 0) >= per_name:
            continue
        seen_names[name] = seen_names.get(name, 0) + 1
        seen_urls.add(url)
        opened += 1
        try:
            # A savepoint per page: a page failing on the database spoils only itself.
            with transaction.atomic():
                response = client.get(url)
        except Exception as error:  # noqa: BLE001 - one broken page must not end the walk
            walk.pages.append(Page(str(user.username), url, name, 500, {}, error=repr(error)))
            continue
        body = ""
        if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
            body = response.content.decode()
            queue.extend(links(body))
        walk.pages.append(
            Page(str(user.username), url, name, response.status_code, dict(response.items()), body)
        )
        # A form's action answers GET with 405, a step done already redirects: the pattern
        # was reached with real objects all the same. A 404 means the walk guessed wrong.
        if response.status_code != 404:
            walk.names.add(name)


def unreached(walk: Walk) -> set[str]:
    """Patterns with parameters that no page of the walk led to."""
    return {name for name, has_params in pattern_names() if has_params} - walk.names


# What a page shows -------------------------------------------------------------------------

HIDDEN = {"script", "style", "noscript"}
# Attributes a person reads (or hears, from a screen reader).
SHOWN_ATTRIBUTES = ("placeholder", "title", "aria-label", "data-confirm")


def visible_texts(html: str) -> list[str]:
    """The text nodes and readable attributes of the page's body, whitespace collapsed."""
    tree = lxml_html.fromstring(html)
    body = tree.find("body")
    root = body if body is not None else tree
    texts = []
    for element in root.iter():
        if not isinstance(element.tag, str) or element.tag in HIDDEN:
            continue
        if element.tag == "input" and element.get("type") in {"submit", "button"}:
            texts.append(element.get("value") or "")
        for attribute in SHOWN_ATTRIBUTES:
            if element.get(attribute):
                texts.append(element.get(attribute))
        if element.text:
            texts.append(element.text)
        # The tail belongs to the parent's text: a hidden element's tail is still shown.
        if element.tail and element is not root:
            texts.append(element.tail)
    title = tree.find(".//title")
    if title is not None and title.text:
        texts.append(title.text)
    return [t for t in (re.sub(r"\s+", " ", t).strip() for t in texts) if t]


def page_text(html: str) -> str:
    """The body's text as one string, inline elements joined as the browser joins them."""
    tree = lxml_html.fromstring(html)
    for element in tree.xpath("//script|//style|//noscript"):
        element.drop_tree()
    body = tree.find("body")
    return (body if body is not None else tree).text_content()

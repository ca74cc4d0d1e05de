"""HTML for the printable report and the caseworkers' web page (Danish, no external requests)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape

CSS = """
:root { --ink: #1a1a1a; --muted: #4a4a4a; --line: #8a8a8a; --bg: #ffffff; --accent: #0b4f8a;
  --ok: #1d6b32; --bad: #a3201c; --soft: #f2f5f8; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: var(--ink); background: var(--bg); line-height: 1.5; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .5rem; z-index: 2; }
header.top { background: var(--accent); color: #fff; padding: .75rem 1rem; display: flex;
  flex-wrap: wrap; gap: .5rem; align-items: center; justify-content: space-between; }
header.top h1 { font-size: 1.25rem; margin: 0; }
header.top form { margin: 0; }
main { padding: 1rem; max-width: 60rem; margin: 0 auto; }
h1, h2, h3 { line-height: 1.25; }
h2 { font-size: 1.25rem; }
h3 { font-size: 1.1rem; margin: 0 0 .5rem; }
label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
input[type=text], input[type=password] { width: 100%; max-width: 24rem; font: inherit; padding: .6rem;
  border: 2px solid var(--muted); border-radius: 4px; min-height: 44px; }
button { font: inherit; font-weight: 600; min-height: 44px; padding: .5rem 1.25rem; border-radius: 4px;
  border: 2px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; margin-top: .75rem; }
header.top button { background: #fff; color: var(--accent); border-color: #fff; margin: 0; }
:focus-visible { outline: 3px solid #e8a200; outline-offset: 2px; }
.hint { color: var(--muted); font-size: .95rem; margin: .25rem 0 0; }
.error { color: var(--bad); font-weight: 600; border-left: 4px solid var(--bad); padding-left: .75rem; }
.cards { list-style: none; padding: 0; margin: 0; display: grid; gap: 1rem; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 1rem; background: var(--soft); }
.card dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
.card dt { font-weight: 600; }
.card dd { margin: 0; }
.status-bestået, .status-gennemført { color: var(--ok); font-weight: 700; }
.status-ikke-bestået { color: var(--bad); font-weight: 700; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 1px solid var(--line); padding: .4rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--soft); }
.scroll { overflow-x: auto; }
footer { color: var(--muted); font-size: .9rem; margin-top: 2rem; }
@media (min-width: 40rem) { header.top h1 { font-size: 1.5rem; } }
@media print { header.top, .noprint { display: none; } body { font-size: 11pt; }
  main { max-width: none; padding: 0; } th { background: #eee; } a { color: inherit; } }
"""

_PRINT = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ heading }}</title>
<style>{{ css|safe }}</style>
</head>
<body>
<main>
<h1>{{ heading }}</h1>
{% if rows %}
<div class="scroll" role="region" aria-label="{{ heading }}" tabindex="0">
<table>
<thead><tr>{% for h in headers %}<th scope="col">{{ h }}</th>{% endfor %}</tr></thead>
<tbody>
{% for row in rows %}<tr>{% for c in row %}{% if loop.first %}<th scope="row">{{ c or "–" }}</th>{% else %}<td>{{ c or "–" }}</td>{% endif %}{% endfor %}</tr>
{% endfor %}</tbody>
</table>
</div>
{% else %}<p>{{ empty }}</p>{% endif %}
<footer>Udskrevet {{ printed }} (dansk tid). Tider er vist i dansk tid. Status bygger på registreringer i kursussystemet.</footer>
</main>
</body>
</html>
"""

_BASE = """<!doctype html>
<html lang="da">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>{% block title %}Kursusstatus{% endblock %} – jobcenter</title>
<link rel="stylesheet" href="{{ base }}/records.css">
</head>
<body>
<a class="skip" href="#indhold">Gå til indhold</a>
<header class="top">
<h1>Kursusstatus</h1>
{% if user %}<form method="post" action="{{ base }}/logout">
<input type="hidden" name="csrf" value="{{ csrf }}">
<button type="submit">Log ud <span class="visually-hidden">({{ user }})</span></button>
</form>{% endif %}
</header>
<main id="indhold">
{% block main %}{% endblock %}
</main>
</body>
</html>
"""

_LOGIN = """{% extends "base.html" %}
{% block title %}Log ind{% endblock %}
{% block main %}
<h2>Log ind</h2>
{% if error %}<p class="error" role="alert" id="fejl">{{ error }}</p>{% endif %}
<form method="post" action="{{ base }}/login">
<input type="hidden" name="csrf" value="{{ csrf }}">
<label for="username">Brugernavn</label>
<input type="text" id="username" name="username" autocomplete="username" required
  {% if error %}aria-describedby="fejl"{% endif %} value="{{ username }}">
<label for="password">Adgangskode</label>
<input type="password" id="password" name="password" autocomplete="current-password" required>
<div><button type="submit">Log ind</button></div>
</form>
{% endblock %}
"""

_LOOKUP = """{% extends "base.html" %}
{% block main %}
<p class="hint">Logget ind som {{ user }}.</p>
<form method="post" action="{{ base }}/" role="search">
<input type="hidden" name="csrf" value="{{ csrf }}">
<label for="learner">Borgerens id</label>
<input type="text" id="learner" name="learner" value="{{ learner }}" required autocomplete="off"
  spellcheck="false" autocapitalize="off" aria-describedby="learner-hint{% if error %} fejl{% endif %}">
<p class="hint" id="learner-hint">Det id borgeren har i kursussystemet (ikke CPR-nummer).</p>
<div><button type="submit">Slå op</button></div>
</form>
{% if error %}<p class="error" role="alert" id="fejl">{{ error }}</p>{% endif %}
{% if searched %}
<section aria-labelledby="resultat" aria-live="polite">
<h2 id="resultat" tabindex="-1">Kurser for {{ learner }}</h2>
{% if rows %}
<ul class="cards">
{% for row in rows %}<li class="card" data-course="{{ row[0] }}">
<h3>{{ row[0] }}</h3>
<dl>
{% for h in headers[1:] %}<dt>{{ h }}</dt><dd{% if loop.first %} class="status-{{ row[1]|replace(' ', '-') }}"{% endif %}>{{ row[loop.index] or "–" }}</dd>
{% endfor %}</dl>
</li>
{% endfor %}</ul>
{% else %}<p>{{ empty }}</p>{% endif %}
</section>
{% endif %}
<footer>Tider er vist i dansk tid. Siden viser kun status – ikke borgerens svar.</footer>
{% endblock %}
"""

_ENV = Environment(loader=DictLoader({"print.html": _PRINT, "base.html": _BASE, "login.html": _LOGIN,
                                      "lookup.html": _LOOKUP}),
                   autoescape=select_autoescape(default=True, default_for_string=True))

# a visually hidden helper appended so the logout button names the user for screen readers
CSS += ".visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }\n"


def render_print_page(*, heading: str, headers: Sequence[str], rows: Sequence[Sequence[str]], printed: str,
                      empty: str) -> str:
    return _ENV.get_template("print.html").render(heading=heading, headers=headers, rows=rows, printed=printed,
                                                  empty=empty, css=CSS)


def render_page(name: str, **context: Any) -> str:
    return _ENV.get_template(name).render(**context)

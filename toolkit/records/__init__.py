"""Completion records for caseworkers: learner and course status from xAPI statements.

``status`` computes statuses from statements (pure), ``client`` reads them from
any xAPI 1.0.3 LRS through the ``tincan`` library, ``lookup`` joins the two,
``output`` renders table/CSV/JSON/HTML, ``web`` is the caseworkers' page and
``cli`` the ``toolkit records`` commands.
"""

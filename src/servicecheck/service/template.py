"""The commented service file `servicecheck init` writes."""

from __future__ import annotations

import json

TEMPLATE = '''# {comment}: the service as your team sees it. Every key is optional except name.
name = {name}
# What the service is for, in the citizen's words.
purpose = "Fix my problem, when it suits me, first time"
# Times without a UTC offset are read in this zone and stored in UTC.
timezone = "Europe/London"
# A known change in the system (a redesign): capability limits are recalculated from here.
# redesign_date = "2025-01-06"
# Steps that directly serve purpose; everything else is waiting or waste.
value_steps = []

[clock]
# The citizen's clock: from first contact (or these activities) to the need being met.
start = []
end = []
start_at_first_contact = true

[need]
# How cases or orders join into one need: a column that links them...
# link_column = "need_id"
# ...and which activities are visits to the citizen.
visit_activities = []

[columns]
# Map your log's columns when they are not case_id, activity, timestamp, resource.
# case = "Order number"
# activity = "Status"
# timestamp = "Date"

[teams]
# A column naming the team, or a map from activity to team.
# column = "team"
# activities = {{ "Order raised" = "Call centre" }}

[demand]
# Demand types in the citizen's terms; the team edits this list.
types = []
channels = ["phone", "web", "counter", "email", "letter"]
# Mask personal details (phone, e-mail, NI number, postcode, date of birth, bank and card
# numbers) in what citizens said; redact_names = true also masks "my name is ...".
redact = true

# The target regime's own clock, shown only beside the citizen's view.
# [targets]
# name = "Orders completed within priority timescale"
# start = ["Order raised"]
# end = ["Order closed"]
# priority_column = "priority"
# timescales = {{ P1 = "24h", P2 = "7d", P3 = "28d" }}
'''


def service_template(name: str) -> str:
    # a JSON string is a TOML basic string: quotes, backslashes and controls escaped
    return TEMPLATE.format(name=json.dumps(name, ensure_ascii=False),
                           comment=" ".join(name.split()))

"""What tenants say, in their own words: varied phrasings per kind of demand.

Built from pieces (openers, the problem told several ways, context, asks) so that no class
is one template: a classifier has to learn from words, as it would on real verbatims.
"""

from __future__ import annotations

import random

OPENERS = ("", "", "Hi, ", "Hello, ", "Yes hello, ", "Morning, ", "Sorry to bother you, ",
           "Hiya, ", "Good afternoon, ", "Hello there, ")
CONTEXT = ("", "", "", " I've got two small kids at home.", " My mum is 82 and lives with me.",
           " I work nights so mornings are bad.", " I'm disabled and can't get about much.",
           " It's been like this since the weekend.", " The landlord before never fixed it.",
           " My neighbour has the same thing.", " I've put a bucket under it for now.")
CONTACT = ("", "", "", "", "", " You can call me on 07700 900{n:03d}.",
           " My email is tenant{n}@example.com.", " Ring me on 0113 496 0{n:03d} after 5.")

PROBLEM_WORDS: dict[str, tuple[str, ...]] = {
    "boiler": ("my boiler has stopped working", "there's no heating or hot water",
               "the boiler keeps cutting out", "the radiators are stone cold",
               "the boiler is showing an error light and no hot water"),
    "leak": ("there's water leaking under the kitchen sink", "a pipe is leaking in the bathroom",
             "water is dripping through the ceiling", "the tap won't stop running",
             "there's a leak behind the toilet"),
    "damp": ("there's black mould all over the bedroom wall", "the walls are wet and smell damp",
             "mould is growing round the windows", "damp is coming through in the kids' room",
             "the bathroom ceiling is covered in mould"),
    "window": ("the bedroom window won't shut", "a window pane is cracked",
               "the window handle has snapped off", "the window frame is rotten and draughty",
               "the double glazing has blown and steamed up"),
    "door": ("the front door lock is broken", "I can't lock my back door",
             "the door has dropped and won't close", "the key snapped in the lock",
             "the door frame is split"),
    "electrics": ("half the sockets have no power", "the lights keep tripping the fuse",
                  "the extractor fan doesn't work", "there's a burning smell from a socket",
                  "the kitchen lights flicker and go off"),
    "toilet": ("the toilet is blocked", "the toilet won't flush",
               "the toilet is rocking and leaking at the base", "the cistern keeps running",
               "the toilet seat and pan are cracked"),
    "roof": ("rain is coming in through the roof", "tiles have blown off the roof",
             "the gutter is hanging off and overflowing", "the loft is wet after rain",
             "there's a leak in the roof above the landing"),
}
REPORT_ASKS = ("can someone come and look at it?", "I need it fixed please.",
               "when can you send someone?", "I'd like to report it.",
               "can I book a repair?", "please can you sort it.", "what do I need to do?")

FAILURE_WORDS: dict[str, tuple[str, ...]] = {
    "progress chasing": (
        "I reported {p} {d} and I've heard nothing since",
        "when is someone coming about {p}? it's been {d}",
        "I'm ringing again to chase the repair, {p}",
        "nobody has told me when the repair will be done, {p}",
        "can you tell me what's happening with my repair? {p}",
        "I'm still waiting for someone to fix it, {p}",
        "I was told someone would call back about {p} but no one did",
    ),
    "not done": (
        "nobody turned up for the appointment yesterday",
        "I waited in all day and the workman never came",
        "I took a day off work and no one came to fix {p}",
        "the operative didn't show up, I was in all morning",
        "they said they'd come Tuesday but nobody came",
        "someone came but said it was the wrong trade and left",
    ),
    "not done right": (
        "it's happening again, {p}, after they said it was fixed",
        "the repair didn't work, {p}",
        "they came and went but {p} still",
        "the workman left and now {p} again",
        "it was fixed last week but {p} once more",
    ),
    "not understood": (
        "I got a letter about my repair and I don't understand what it means",
        "what does this text about my repair order mean?",
        "I was sent a job number but no date, what happens now?",
        "the letter says the job is closed but nothing has been done",
    ),
    "complaint": (
        "I want to make a complaint, this is the fourth time I've called about {p}",
        "I'm not happy at all, {p} and nobody cares",
        "this is a disgrace, I want to speak to a manager about {p}",
        "I want to complain about how long the repair to {p} is taking",
    ),
}
WAITED = ("last week", "two weeks ago", "a month ago", "ages ago", "on Monday",
          "three weeks back", "before Christmas", "ten days ago")


def value_verbatim(r: random.Random, problem: str, n: int) -> str:
    core = r.choice(PROBLEM_WORDS[problem])
    return (r.choice(OPENERS) + core + ", " + r.choice(REPORT_ASKS) + r.choice(CONTEXT)
            + r.choice(CONTACT).format(n=n % 1000)).strip()


def failure_verbatim(r: random.Random, kind: str, problem: str, n: int) -> str:
    if kind in ("progress chasing", "not done right") and r.random() < 0.12:
        # a tenant calling again often just describes the problem again: only the history
        # (their earlier report) shows it is failure demand, not the words
        return value_verbatim(r, problem, n)
    p = r.choice(PROBLEM_WORDS[problem])
    core = r.choice(FAILURE_WORDS[kind]).format(p=p, d=r.choice(WAITED))
    return (r.choice(OPENERS) + core + "." + r.choice(CONTEXT)
            + r.choice(CONTACT).format(n=n % 1000)).strip()

"""Blind second classification: a second person classifies captured demand seeing only the
words and the channel, never the first person's choice; the pairs give the team's agreement
(servicecheck.demand.agreement)."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa

from servicecheck.service.model import Service
from servicecheck.store.db import Store, now
from servicecheck.store.schema import demands, second_labels

# A sample, not the latest demands: an order the ids scramble into (a prime stride), the same
# for everyone, so two second readers do not both take the newest.
STRIDE, MODULUS = 7919, 10007


@dataclass(frozen=True)
class ToClassify:
    id: int
    verbatim: str
    channel: str


def next_demand(store: Store, svc: Service, user: str) -> ToClassify | None:
    """A demand this person did not record, classified by its recorder as value or failure,
    that nobody has classified blind yet."""
    done = sa.select(second_labels.c.demand_id)
    q = (sa.select(demands.c.id, demands.c.verbatim, demands.c.channel)
         .where(demands.c.service == svc.key, demands.c.recorded_by != user,
                demands.c.nature.in_(["value", "failure"]), demands.c.id.not_in(done))
         .order_by((demands.c.id * STRIDE) % MODULUS, demands.c.id).limit(1))
    with store.engine.connect() as conn:
        row = conn.execute(q).first()
    return ToClassify(int(row.id), row.verbatim, row.channel) if row else None


def save(store: Store, svc: Service, demand_id: int, user: str, nature: str,
         demand_type: str | None) -> bool:
    """Keep a second classification (a demand has one; a repeat post changes nothing). False
    when the demand is not one this person may classify blind (not of this service, or
    recorded by them)."""
    with store.writing() as conn:
        mine = conn.execute(sa.select(demands.c.recorded_by).where(
            demands.c.id == demand_id, demands.c.service == svc.key)).first()
        if mine is None or mine.recorded_by == user:
            return False
        if conn.execute(sa.select(second_labels.c.demand_id)
                        .where(second_labels.c.demand_id == demand_id)).first():
            return True
        conn.execute(second_labels.insert().values(
            demand_id=demand_id, classified_by=user, nature=nature, demand_type=demand_type,
            at=now()))
    return True


PAIR_COLUMNS = ["id", "verbatim", "first_nature", "second_nature", "first_type",
                "second_type"]


def pairs(store: Store, svc: Service) -> pd.DataFrame:
    """Each demand classified by two people: its words, the first and the second choice."""
    q = (sa.select(demands.c.id, demands.c.verbatim, demands.c.nature,
                   second_labels.c.nature, demands.c.demand_type, second_labels.c.demand_type)
         .join(second_labels, second_labels.c.demand_id == demands.c.id)
         .where(demands.c.service == svc.key).order_by(demands.c.id))
    with store.engine.connect() as conn:
        return pd.DataFrame(conn.execute(q).all(), columns=PAIR_COLUMNS)

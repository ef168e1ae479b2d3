"""The product's accuracy targets, as data, checked against an Evaluation.

Each :class:`Target` names a figure, a requirement and the groups it applies to (views of
:class:`footfall.evaluate.Evaluation`: per strike class, per speed band, force-plate events
only, ...). :func:`check` gives one row per (target, group) with the measured value and
whether it is met. ``make bench`` prints them for the core in-sample and leave-one-runner-out;
tests can assert floors with the same rows once the core's figures have settled (e.g.
``all(r.met for r in check(ev) if r.target.name.startswith("IC F1"))``).
"""
from dataclasses import dataclass

from .evaluate import SPEED_BANDS, STRIKES, UNKNOWN_SPEED, WALKING, figure

RUNNING_BANDS = tuple(b for _u, b in SPEED_BANDS) + (UNKNOWN_SPEED,)


@dataclass(frozen=True)
class Target:
    name: str
    metric: object          # figures dict -> value (or None)
    op: str                 # ">=", "<=", "abs<=" (|value| <= bound)
    bound: float
    groups: tuple           # ((view name, (labels...)), ...)

    def required(self):
        return {"abs<=": "|x| <= %g", "<=": "<= %g", ">=": ">= %g"}[self.op] % self.bound

    def met(self, value):
        if value is None:
            return None
        if self.op == ">=":
            return value >= self.bound
        if self.op == "<=":
            return value <= self.bound
        return abs(value) <= self.bound


FORCE_GROUPS = (("reference", ("force plate",)), ("strike, force plate", STRIKES),
                ("speed, force plate", RUNNING_BANDS))

TARGETS = (
    Target("IC F1, running", lambda d: d["f1"], ">=", 0.98,
           (("strike", STRIKES), ("speed", RUNNING_BANDS))),
    Target("IC F1, walking", lambda d: d["f1"], ">=", 0.95, (("speed", (WALKING,)),)),
    Target("IC median error vs force plate (ms)", lambda d: figure(d, "ic_error_ms", "median"),
           "abs<=", 10.0, FORCE_GROUPS),
    Target("IC error IQR vs force plate (ms)", lambda d: figure(d, "ic_error_ms", "iqr"), "<=",
           10.0, FORCE_GROUPS),
    Target("GCT bias vs force plate (ms)", lambda d: figure(d, "gct_error_ms", "bias"), "abs<=",
           10.0, FORCE_GROUPS),
    Target("Strike class accuracy, rearfoot", lambda d: d["strike_accuracy"], ">=", 0.95,
           (("strike", ("rearfoot",)),)),
    Target("Strike class accuracy, midfoot / forefoot", lambda d: d["strike_accuracy"], ">=",
           0.85, (("strike", ("midfoot", "forefoot")),)),
    Target("Strike angle RMSE (deg)", lambda d: figure(d, "strike_angle_error_deg", "rmse"), "<=",
           4.0, (("strike", STRIKES),)),
)


@dataclass(frozen=True)
class Row:
    target: Target
    view: str
    group: str
    value: object
    met: object             # True / False / None (no data)


def check(evaluation, targets=TARGETS):
    """[Row] for every target and every group of it that has data in ``evaluation``."""
    rows = []
    for t in targets:
        for view, labels in t.groups:
            for lab in labels:
                d = evaluation.views_.get(view, {}).get(lab)
                if d is None:
                    continue
                try:
                    v = t.metric(d)
                except (KeyError, TypeError):
                    v = None
                if v is None:
                    continue
                rows.append(Row(t, view, lab, v, t.met(v)))
    return rows

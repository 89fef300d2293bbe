"""Where one more job fits into an existing plan: the slot picker and the offer ranking.

Both judge a candidate by re-scheduling the whole route with :func:`schedule_route`, so a
slot or an offer they call on time is on time in the plan that results.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from anxin.dispatch.engine.model import Job, Plan, Problem, Technician
from anxin.dispatch.engine.schedule import Network, schedule_route


@dataclass(frozen=True)
class Insertion:
    technician_id: str
    position: int
    arrival: int
    lateness: int  # of the new job
    others_later: int  # minutes of lateness added to jobs already planned
    added_overtime: int
    added_travel_m: int
    load: int  # jobs already on the route

    @property
    def on_time(self) -> bool:
        return self.lateness == 0 and self.others_later == 0 and self.added_overtime == 0


def best_insertion(
    net: Network, problem: Problem, plan: Plan, tech: Technician, job: Job
) -> Insertion | None:
    """The cheapest place for ``job`` in ``tech``'s route (lateness, then overtime, then travel)."""
    if not tech.can_do(job):
        return None
    by_id = {j.id: j for j in problem.jobs}
    route = plan.routes.get(tech.id)
    seq = [by_id[jid] for jid in (route.job_ids if route else []) if jid in by_id]
    if len(seq) >= tech.max_jobs:
        return None
    net.ensure([job.location])
    base = schedule_route(net, tech, seq, problem.now)
    base_late = {s.job_id: s.lateness for s in base.stops}
    first_free = sum(1 for j in seq if j.locked)
    best: tuple[tuple[int, int, int], Insertion] | None = None
    for pos in range(first_free, len(seq) + 1):
        trial = schedule_route(net, tech, [*seq[:pos], job, *seq[pos:]], problem.now)
        if trial.end_time > tech.shift_end + tech.max_overtime:
            continue
        new = trial.stops[pos]
        others = sum(max(0, s.lateness - base_late[s.job_id]) for s in trial.stops if s.job_id != job.id)
        ins = Insertion(
            tech.id,
            pos,
            new.arrival,
            new.lateness,
            others,
            trial.overtime - base.overtime,
            trial.travel_m - base.travel_m,
            len(seq),
        )
        key = (ins.lateness * job.priority + others, ins.added_overtime, ins.added_travel_m)
        if best is None or key < best[0]:
            best = (key, ins)
    return best[1] if best else None


@dataclass(frozen=True)
class SlotVerdict:
    start: int
    end: int
    feasible: bool
    insertion: Insertion | None


def feasible_slots(
    net: Network, problem: Problem, plan: Plan, *, template: Job, slots: Sequence[tuple[int, int]]
) -> list[SlotVerdict]:
    """For customer self-scheduling: which arrival windows the current plan can keep.

    A slot is feasible when some technician able to do ``template`` can take it on time
    without making anyone else late and without new overtime.
    """
    verdicts = []
    for start, end in slots:
        job = Job(
            id=template.id,
            location=template.location,
            duration=template.duration,
            window_start=start,
            window_end=end,
            skill=template.skill,
            priority=template.priority,
            pinned_technician=template.pinned_technician,
        )
        found = None
        for tech in problem.technicians:
            ins = best_insertion(net, problem, plan, tech, job)
            if (
                ins is not None
                and ins.on_time
                and (found is None or ins.added_travel_m < found.added_travel_m)
            ):
                found = ins
        verdicts.append(SlotVerdict(start, end, found is not None, found))
    return verdicts


@dataclass(frozen=True)
class Offer:
    technician_id: str
    insertion: Insertion
    distance_now_m: int  # from where the technician is expected to be now
    score: float


def rank_offers(net: Network, problem: Problem, plan: Plan, job: Job, *, limit: int = 5) -> list[Offer]:
    """Best technicians for a new job now: skill and shift are hard, then lateness, detour, load."""
    offers = []
    for tech in problem.technicians:
        if tech.shift_end + tech.max_overtime <= problem.now:
            continue
        ins = best_insertion(net, problem, plan, tech, job)
        if ins is None:
            continue
        where = _position_at(net, problem, plan, tech)
        dist_now = net.metres[where][net.at(job.location)]
        score = (
            (ins.lateness * job.priority + ins.others_later) * 1_000.0
            + ins.added_overtime * 100.0
            + ins.added_travel_m / 1_000.0 * 2.0  # minutes-equivalent of km at ~30 km/h
            + ins.load * 5.0  # spread work: a job already planned weighs like 2.5 km
        )
        offers.append(Offer(tech.id, ins, dist_now, score))
    offers.sort(key=lambda o: (o.score, o.distance_now_m, o.technician_id))
    return offers[:limit]


def _position_at(net: Network, problem: Problem, plan: Plan, tech: Technician) -> int:
    """Index of the last place ``tech`` has reached by ``problem.now`` according to the plan."""
    route = plan.routes.get(tech.id)
    started = [s.job_id for s in (route.stops if route else ()) if s.start <= problem.now]
    locations = {j.id: j.location for j in problem.jobs}
    if started and started[-1] in locations:
        return net.at(locations[started[-1]])
    return net.at(tech.location)
